import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { RebuildStatus, RedisKeys, type Actor, type RebuildProgress, type RebuildTrigger, type Settings } from '@crux/contracts';
import type { Redis, Result } from 'ioredis';
import { parseJobEvent, planUpdate, type PlannedUpdate } from '../domain/index.js';
import type { OwnDeletions } from '../expiry/own-deletions.js';
import { ApplyCode } from '../redis/apply-code.js';
import type { ProjectorFence } from '../redis/fenced-scripts.js';
import { ProjectorFencedError, type ApplyOutcome, type JobWriter } from '../redis/job-writer.js';
import type { JobsStreamReader, RawStreamMessage } from './jobs-stream-reader.js';
import { countOutcome, deadlineOf, keyTtlS, tombstoneTtlS, trackApplied, type JobTrack } from './job-track.js';
import type { ProjectorPause } from './projector-pause.js';
import type { RebuildStore } from './rebuild-store.js';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** lua/fix-deadlines-4.lua */
    fixDeadlines(...args: (string | number)[]): Result<number, Context>;
  }
}

/** Sequences read (direct gets in flight) and applied (one MULTI/EXEC) at a time. */
const BATCH = 500;
/** Deadline fixes per pipeline. */
const FIX_BATCH = 500;
const LEASE_MS = 60_000;
const APPLY_ATTEMPTS = 8;
/** Redis lost the state again while rebuilding: start over at most this often. */
const MAX_PASSES = 3;

export interface RebuildArgs {
  trigger: RebuildTrigger;
  actor: Actor;
  reason: string | null;
}

export type BeginResult = { started: true; progress: RebuildProgress } | { started: false; running: RebuildProgress };

interface Running {
  progress: RebuildProgress;
  done: Promise<RebuildProgress>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Rebuilds the live state in Redis from the JOBS stream, the source of truth: every event
 * from the stream's first on, through the projection's own scripts (idempotent by version,
 * tombstones keep deleted jobs deleted), in batches. It only writes back what Redis lacks or
 * holds older: a live job at or past an event's sequence is left as it is. The scripts count
 * TTLs from the moment they run, so afterwards each job the rebuild wrote gets its deadlines
 * counted from its own times (a job past its deadline is left in the expiry index with that
 * past deadline: the sweep deletes it, reason ttl, as it would have).
 *
 * The live projector is paused meanwhile (`ProjectorPause`, the collaborator that knows which
 * replica runs it) and resumed afterwards; a lease in Redis keeps two replicas from
 * rebuilding at once.
 */
export class StateRebuilder {
  private readonly logger = new Logger(StateRebuilder.name);
  private running: Running | null = null;
  private stopping = false;
  /** The end of the rebuild this replica started last. */
  private lastStarted: Promise<RebuildProgress | null> = Promise.resolve(null);

  constructor(
    private readonly settings: Settings,
    private readonly redis: Redis,
    private readonly writer: JobWriter,
    private readonly reader: JobsStreamReader,
    private readonly store: RebuildStore,
    private readonly projector: ProjectorPause,
    private readonly ownDeletions: OwnDeletions,
  ) {}

  /** The rebuild this replica is running, as it stands now; null when none. */
  get current(): RebuildProgress | null {
    return this.running ? { ...this.running.progress } : null;
  }

  /** Runs a rebuild to its end; joins the one this replica is running. Null when another replica is rebuilding. */
  async rebuild(args: RebuildArgs): Promise<RebuildProgress | null> {
    if (this.running) return this.running.done;
    const begun = await this.begin(args);
    if (begun.started) return this.lastStarted;
    return this.running ? (this.running as Running).done : null;
  }

  /** Starts a rebuild in the background, unless one is running here or on another replica. */
  async begin(args: RebuildArgs): Promise<BeginResult> {
    if (this.running) return { started: false, running: { ...this.running.progress } };
    const progress: RebuildProgress = {
      rebuild_id: randomUUID(),
      status: RebuildStatus.Running,
      trigger: args.trigger,
      events_read: 0,
      events_total: 0,
      jobs_restored: 0,
      jobs_deleted: 0,
      started_at: new Date().toISOString(),
      finished_at: null,
      actor: args.actor.id,
      reason: args.reason,
      error: null,
    };
    const running: Running = { progress, done: Promise.resolve(progress) };
    this.running = running; // before any await: a second request on this replica sees it
    try {
      if (!(await this.store.lease(progress.rebuild_id, LEASE_MS))) {
        this.running = null;
        const other = await this.store.read();
        return {
          started: false,
          running: other && other.status === RebuildStatus.Running ? other : { ...progress, rebuild_id: 'unknown' },
        };
      }
      await this.store.save(progress);
    } catch (error) {
      this.running = null;
      throw error;
    }
    this.logger.log(
      `rebuild ${progress.rebuild_id} of the live state from JOBS started (${args.trigger}) by ${args.actor.kind} ${args.actor.id}${args.reason ? `: ${args.reason}` : ''}`,
    );
    running.done = this.run(progress).finally(() => {
      if (this.running === running) this.running = null;
    });
    this.lastStarted = running.done;
    return { started: true, progress: { ...progress } };
  }

  /** This replica's rebuild as it stands, else the latest recorded in Redis. */
  async latest(): Promise<RebuildProgress | null> {
    return this.current ?? (await this.store.read());
  }

  /** Waits for the rebuild this replica is running, if any. */
  async idle(): Promise<void> {
    await this.running?.done;
  }

  /** Ends a running rebuild after its current batch (it is recorded as failed; the next start rebuilds again). */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.running?.done;
  }

  private async run(progress: RebuildProgress): Promise<RebuildProgress> {
    // Taken before the pause: the projector lease's epoch, if this replica holds it (see ProjectorPause.fence).
    const fence = this.projector.fence;
    await this.projector.pause();
    try {
      let tracks = new Map<string, JobTrack>();
      for (let pass = 1; ; pass++) {
        tracks = new Map();
        await this.replay(progress, tracks, fence);
        await this.fixDeadlines(tracks);
        // Redis lost everything again meanwhile (our progress went with it): once more.
        if ((await this.store.read())?.rebuild_id === progress.rebuild_id || pass >= MAX_PASSES) break;
        this.logger.warn(`rebuild ${progress.rebuild_id}: Redis lost the state again while rebuilding; starting over`);
        progress.events_read = 0;
      }
      const counts = countOutcome(tracks.values());
      Object.assign(progress, {
        status: RebuildStatus.Completed,
        jobs_restored: counts.restored,
        jobs_deleted: counts.deleted,
        finished_at: new Date().toISOString(),
      });
      await this.store.save(progress);
      await this.store.markComplete(progress.rebuild_id, progress.rebuild_id);
      this.logger.log(
        `rebuild ${progress.rebuild_id} by ${progress.actor} completed: ${progress.events_read} events read, ${counts.restored} jobs restored, ${counts.deleted} deletions kept`,
      );
    } catch (error) {
      Object.assign(progress, {
        status: RebuildStatus.Failed,
        error: (error as Error)?.message ?? String(error),
        finished_at: new Date().toISOString(),
      });
      this.logger.error(
        `rebuild ${progress.rebuild_id} by ${progress.actor} failed after ${progress.events_read} events: ${progress.error}`,
      );
      await this.store.save(progress).catch(() => undefined);
    } finally {
      await this.store.release(progress.rebuild_id).catch(() => undefined);
      await this.projector
        .resume()
        .catch((error: unknown) => this.logger.error(`could not resume the projector: ${(error as Error)?.message}`));
    }
    return { ...progress };
  }

  /** Every event from the stream's first to its end (which may move on while we read). */
  private async replay(progress: RebuildProgress, tracks: Map<string, JobTrack>, fence: ProjectorFence | undefined): Promise<void> {
    let bounds = await this.reader.bounds();
    progress.events_total = bounds.messages;
    let next = bounds.first;
    for (;;) {
      const last = bounds.last;
      // The next range is read while this one is applied: NATS and Redis work side by side.
      let reading: Promise<RawStreamMessage[]> | null = next <= last ? this.reader.range(next, Math.min(next + BATCH - 1, last)) : null;
      while (reading) {
        const messages = await reading;
        if (this.stopping) throw new Error('job-state is stopping');
        next = Math.min(next + BATCH, last + 1);
        reading = next <= last ? this.reader.range(next, Math.min(next + BATCH - 1, last)) : null;
        try {
          await this.applyRange(messages, tracks, fence);
        } catch (error) {
          void reading?.catch(() => undefined);
          throw error;
        }
        progress.events_read += messages.length;
        progress.events_total = Math.max(progress.events_total, progress.events_read);
        await this.store.save(progress);
        await this.store.renew(progress.rebuild_id, LEASE_MS);
      }
      bounds = await this.reader.bounds();
      if (bounds.last <= last) return;
      progress.events_total += bounds.last - last;
      next = Math.max(next, bounds.first);
    }
  }

  private async applyRange(
    messages: readonly RawStreamMessage[],
    tracks: Map<string, JobTrack>,
    fence: ProjectorFence | undefined,
  ): Promise<void> {
    const items: { plan: PlannedUpdate; atMs: number }[] = [];
    for (const m of messages) {
      const parsed = parseJobEvent(m.subject, m.data);
      // The projector drops what it cannot read too.
      if (!parsed.ok) continue;
      const atMs = Date.parse(parsed.event.occurred_at);
      items.push({ plan: planUpdate(parsed.event, m.seq, this.settings), atMs: Number.isFinite(atMs) ? atMs : Date.now() });
    }
    if (items.length === 0) return;
    this.ownDeletions.note(items.filter((i) => i.plan.kind === 'delete').map((i) => i.plan.jobId));
    const outcomes = await this.applyWithRetry(
      items.map((i) => i.plan),
      fence,
    );
    outcomes.forEach((outcome, i) => {
      const { plan, atMs } = items[i];
      if (!outcome.ok) {
        this.logger.error(`rebuild: could not apply ${plan.eventType} #${plan.seq} to job ${plan.jobId}: ${outcome.error.message}`);
        return;
      }
      if (outcome.code !== ApplyCode.Applied || plan.kind === 'skip') return;
      tracks.set(plan.jobId, trackApplied(tracks.get(plan.jobId), plan, atMs, outcome.previous, this.settings));
    });
  }

  private async applyWithRetry(plans: readonly PlannedUpdate[], fence: ProjectorFence | undefined): Promise<ApplyOutcome[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.writer.applyBatch(plans, fence);
      } catch (error) {
        // Another replica leads the projection now: it rebuilds if the state is still incomplete.
        if (error instanceof ProjectorFencedError) throw new Error(`stopped: ${error.message}`, { cause: error });
        if (attempt >= APPLY_ATTEMPTS) throw error;
        await sleep(Math.min(5000, 200 * 2 ** attempt));
      }
    }
  }

  /** Counts each written job's deadlines from its own times (see fix-deadlines-4.lua). */
  private async fixDeadlines(tracks: Map<string, JobTrack>): Promise<void> {
    const [seconds, micros] = await this.redis.time();
    const nowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    const grace = this.settings.expiryGraceS;
    let pipeline = this.redis.pipeline();
    let queued = 0;
    for (const [jobId, track] of tracks) {
      const deadline = deadlineOf(track);
      pipeline.fixDeadlines(
        RedisKeys.job(jobId),
        RedisKeys.expiry,
        RedisKeys.revokePending,
        RedisKeys.tombstone(jobId),
        jobId,
        track.version === null ? '' : String(track.version),
        deadline === null ? '' : String(deadline),
        deadline === null ? '' : String(keyTtlS(deadline, nowMs, grace)),
        track.revokeDeadlineMs === null ? '' : String(track.revokeDeadlineMs),
        track.tombstone ? String(track.tombstone.seq) : '',
        track.tombstone ? String(tombstoneTtlS(track.tombstone.expiresAtMs, nowMs)) : '',
      );
      if (++queued >= FIX_BATCH) {
        await this.execFixes(pipeline);
        pipeline = this.redis.pipeline();
        queued = 0;
      }
    }
    if (queued > 0) await this.execFixes(pipeline);
  }

  private async execFixes(pipeline: ReturnType<Redis['pipeline']>): Promise<void> {
    const replies = await pipeline.exec();
    const failed = (replies ?? []).find(([error]) => error);
    if (failed) throw failed[0] as Error;
  }
}
