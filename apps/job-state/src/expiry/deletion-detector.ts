import { Logger } from '@nestjs/common';
import { DeletionReason, JOB_KEY_PREFIX, RedisKeys, type Settings } from '@crux/contracts';
import type { Redis } from 'ioredis';
import {
  deletionEvent,
  JOB_STATE_ACTOR,
  KEY_EVENT_REASON,
  missingKeyReason,
  planUpdate,
  replayHistory,
  type KeyEvent,
} from '../domain/index.js';
import type { EventPublisher } from '../events/event-publisher.js';
import type { JobHistory } from '../events/job-history.js';
import type { JobReader } from '../redis/job-reader.js';
import type { JobWriter } from '../redis/job-writer.js';
import { forEachLimited } from '../util/for-each-limited.js';
import type { OwnDeletions } from './own-deletions.js';
import { Ticker } from '../util/ticker.js';

/** Due ids taken from the expiry index per round; a sweep goes round until none are left. */
const SWEEP_BATCH = 500;
const SWEEP_ROUNDS_MAX = 20;
/** How often every indexed job is checked for a key that vanished unnoticed. */
export const RECONCILE_EVERY_MS = 60_000;
const RECONCILE_BATCH = 1000;
/** Keys checked per round trip when notifications or a walk report missing ones. */
const CHECK_BATCH = 200;
/** Vanished jobs whose history is read from JOBS at once. */
const REBUILD_CONCURRENCY = 8;
/**
 * A job whose deletion was just published is not published again for this long, while the
 * projector catches up (a repeat within the stream's 2-minute duplicate window would be
 * de-duplicated anyway; this only saves the work).
 */
const IN_FLIGHT_MS = 30_000;

export interface DetectorStats {
  /** `deleted` (ttl) published by the sweep from a live key. */
  expired: number;
  /** `deleted` published for a key that vanished (Redis expiry, DEL, eviction …). */
  vanished: number;
  /** Vanished keys whose deletion was already in JOBS: nothing published. */
  alreadyRecorded: number;
  failures: number;
}

/**
 * Makes every disappearance of a job reach JOBS as one `deleted` event:
 * - the sweep: jobs whose deadline in the expiry index has passed are deleted by job-state
 *   itself, from their live snapshot (Redis's own TTL, a grace period later, is the backstop);
 * - keyspace notifications: a key that expired (the backstop fired: job-state was down) or
 *   was DEL'd by anything else while its index entries remain; our own deletions remove the
 *   entries in the same script call, so they never look like this;
 * - reconciliation, at start and every minute: indexed jobs without a key, for whatever the
 *   notifications missed (job-state stopped, notifications refused, FLUSHDB, eviction).
 * A key that is gone can no longer be read, so its snapshot is rebuilt by replaying the
 * job's events from JOBS through the projection's own planning code.
 */
export class DeletionDetector {
  private readonly logger = new Logger(DeletionDetector.name);
  private subscriber: Redis | undefined;
  private readonly sweeper: Ticker;
  private readonly reconciler: Ticker;
  private readonly inFlight = new Map<string, number>();
  /** Vanished ids to look at, with the reason a notification gave (null: judge by deadline). */
  private readonly toCheck = new Map<string, DeletionReason | null>();
  private checking: Promise<void> | null = null;
  private stopping = false;
  readonly stats: DetectorStats = { expired: 0, vanished: 0, alreadyRecorded: 0, failures: 0 };

  constructor(
    private readonly settings: Settings,
    private readonly redis: Redis,
    private readonly reader: JobReader,
    private readonly writer: JobWriter,
    private readonly history: JobHistory,
    private readonly publisher: EventPublisher,
    private readonly ownDeletions: OwnDeletions,
  ) {
    const onError = (what: string) => (error: unknown) => {
      this.stats.failures++;
      this.logger.error(`${what} failed: ${(error as Error)?.message ?? String(error)}`);
    };
    this.sweeper = new Ticker(() => this.sweep(), settings.expirySweepMs, onError('expiry sweep'));
    this.reconciler = new Ticker(() => this.reconcile(), RECONCILE_EVERY_MS, onError('reconciliation'));
  }

  async start(): Promise<void> {
    this.stopping = false;
    const subscriber = this.redis.duplicate({ connectionName: `${this.redis.options.connectionName ?? 'crux-job-state'}-keyspace` });
    this.subscriber = subscriber;
    subscriber.on('error', () => undefined); // the main client logs outages
    subscriber.on('message', (channel: string, key: string) => this.onKeyEvent(channel, key));
    const db = this.redis.options.db ?? 0;
    await subscriber.subscribe(...Object.keys(KEY_EVENT_REASON).map((event) => `__keyevent@${db}__:${event}`));
    this.sweeper.start();
    // Expiries and deletions that happened while job-state was stopped are recorded now.
    this.reconciler.start(true);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all([this.sweeper.stop(), this.reconciler.stop()]);
    await this.checking;
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  /** Runs a sweep now, or waits for the one in progress. */
  sweepNow(): Promise<void> {
    return this.sweeper.runNow();
  }

  private onKeyEvent(channel: string, key: string): void {
    if (this.stopping || !key.startsWith(JOB_KEY_PREFIX)) return;
    const event = channel.slice(channel.lastIndexOf(':') + 1) as KeyEvent;
    const reason = KEY_EVENT_REASON[event];
    const jobId = key.slice(JOB_KEY_PREFIX.length);
    if (reason && !(event === 'del' && this.ownDeletions.has(jobId))) this.check(jobId, reason);
  }

  /** Jobs whose deadline has passed: deleted from their live snapshot. */
  private async sweep(): Promise<void> {
    for (let round = 0; round < SWEEP_ROUNDS_MAX && !this.stopping; round++) {
      const now = await this.reader.nowMs();
      this.forgetInFlight(Date.now());
      const taken = await this.reader.due(RedisKeys.expiry, now, SWEEP_BATCH);
      const due = taken.filter((entry) => !this.inFlight.has(entry.id));
      if (due.length === 0) return;
      const snapshots = await this.reader.snapshots(due.map((d) => d.id));
      const publishes: Promise<void>[] = [];
      due.forEach(({ id }, i) => {
        const snapshot = snapshots[i];
        if (!snapshot) return this.check(id, DeletionReason.Ttl);
        if (snapshot.held) return; // held since the read: its entry is on its way out
        this.markInFlight(id);
        const event = deletionEvent({
          jobId: id,
          reason: DeletionReason.Ttl,
          snapshot,
          actor: JOB_STATE_ACTOR,
          planId: null,
          erase: false,
        });
        publishes.push(
          this.publisher.publish(event).then(
            () => void this.stats.expired++,
            (error: unknown) => this.failed(id, 'publishing its expiry', error),
          ),
        );
      });
      await Promise.all(publishes);
      // Entries still in flight stay at the head of the index until projected: the next tick goes on.
      if (taken.length < SWEEP_BATCH || due.length < taken.length) return;
    }
  }

  /** Every indexed job whose key is gone goes to the check; due deadlines to the sweep. */
  private async reconcile(): Promise<void> {
    for (let start = 0; !this.stopping; start += RECONCILE_BATCH) {
      const ids = await this.reader.createdSlice(start, RECONCILE_BATCH);
      if (ids.length === 0) break;
      const presence = await this.reader.presence(ids);
      for (const p of presence) if (!p.exists) this.check(p.id, null);
    }
    await this.checking;
    if (!this.stopping) await this.sweepNow();
  }

  private check(jobId: string, reason: DeletionReason | null): void {
    if (this.inFlight.has(jobId)) return;
    if (!this.toCheck.has(jobId) || reason !== null) this.toCheck.set(jobId, reason);
    this.checking ??= this.drainChecks().finally(() => (this.checking = null));
  }

  private async drainChecks(): Promise<void> {
    while (this.toCheck.size > 0 && !this.stopping) {
      const batch = new Map([...this.toCheck].slice(0, CHECK_BATCH));
      for (const id of batch.keys()) this.toCheck.delete(id);
      const [presence, now] = await Promise.all([this.reader.presence([...batch.keys()]), this.reader.nowMs()]);
      // Still there (restored meanwhile), or unindexed (deleted by us): nothing vanished.
      const vanished = presence
        .filter((p) => !p.exists && p.indexed && !this.inFlight.has(p.id))
        .map((p) => ({ id: p.id, reason: batch.get(p.id) ?? missingKeyReason(p.deadlineMs, now) }));
      for (const v of vanished) this.markInFlight(v.id);
      await forEachLimited(
        vanished,
        REBUILD_CONCURRENCY,
        (v) => this.recordVanished(v.id, v.reason),
        (v, error) => this.failed(v.id, 'recording its disappearance', error),
      );
    }
  }

  /** A job whose key vanished: rebuilt from JOBS, and its deletion recorded unless it already is. */
  private async recordVanished(jobId: string, reason: DeletionReason): Promise<void> {
    const replay = replayHistory(await this.history.events(jobId), this.settings);
    if (replay.deleted && replay.lastDeletion) {
      this.stats.alreadyRecorded++;
      // The projector has applied it already, so the entries are leftovers: drop them the same way.
      if (await this.reader.hasTombstone(jobId)) {
        await this.writer.apply(planUpdate(replay.lastDeletion.event, replay.lastDeletion.seq, this.settings));
      }
      return;
    }
    if (!replay.snapshot) this.logger.warn(`job ${jobId} vanished and its history is no longer in JOBS; recording it without a snapshot`);
    const event = deletionEvent({ jobId, reason, snapshot: replay.snapshot, actor: JOB_STATE_ACTOR, planId: null, erase: false });
    await this.publisher.publish(event);
    this.stats.vanished++;
    this.logger.log(`job ${jobId} vanished from Redis (${reason}); recorded its deletion`);
  }

  private failed(jobId: string, what: string, error: unknown): void {
    this.stats.failures++;
    this.inFlight.delete(jobId); // the next sweep or reconciliation tries again
    this.logger.error(`job ${jobId}: ${what} failed: ${(error as Error)?.message ?? String(error)}`);
  }

  private markInFlight(jobId: string): void {
    this.inFlight.set(jobId, Date.now() + IN_FLIGHT_MS);
  }

  private forgetInFlight(now: number): void {
    for (const [id, until] of this.inFlight) if (until <= now) this.inFlight.delete(id);
  }
}
