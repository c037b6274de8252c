import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  apiError,
  ConsumerName,
  DeletionReason,
  JobEventType,
  makeEvent,
  PurgePlanStatus,
  StreamName,
  Subjects,
  type JobView,
  type PurgeConfirmed,
  type PurgePlanView,
  type PurgeProgress,
  type Reply,
  type Settings,
} from '@crux/contracts';
import type { JetStreamManager, PubAck } from '@crux/messaging';
import {
  checkConfirmRequest,
  checkPlanIdRequest,
  checkPurgePlanRequest,
  confirmRefusal,
  deletionEvent,
  EventIds,
  hashToken,
  idsHash,
  newConfirmToken,
  PURGE_SAMPLE_SIZE,
  purgeFilterOf,
  purgeProgress,
  selectForPurge,
  type StoredPlan,
} from '../domain/index.js';
import type { EventPublisher } from '../events/event-publisher.js';
import type { JobHistory } from '../events/job-history.js';
import { forEachLimited } from '../util/for-each-limited.js';
import type { JobReader } from '../redis/job-reader.js';
import { ConfirmCode, PurgeStore, type BatchCounts } from './purge-store.js';

/** A replica that stops renewing its lease (crashed) hands the plan over after this long. */
const LEASE_MS = 30_000;
/**
 * Batches published at once: their PubAcks are awaited together, so publishing never waits on
 * the Redis round trips between batches.
 */
const BATCHES_IN_FLIGHT = 4;
/** Stream purges (erase) in flight at once. */
const ERASE_CONCURRENCY = 64;
/** Completion waits for the projector to apply the deletions, for as long as it keeps moving. */
const PROJECTION_STALL_MS = 30_000;

interface Batch {
  ids: string[];
  snapshots: (JobView | null)[];
}

/**
 * Operator purges, in two steps. A plan freezes the exact ids matching its filters (never a
 * held job) and hands out a confirm token bound to that list, stored only hashed, that
 * expires. Confirming executes exactly those ids in batches: per job a `deleted` event with
 * its snapshot (the archive) published by the confirming operator, then the projector
 * removes the key. Jobs gone or held since the plan are skipped. The executor holds a lease
 * and resumes after a restart from the last recorded batch; deterministic event ids make a
 * batch redone after a crash publish nothing twice.
 */
export class PurgeService {
  private readonly logger = new Logger(PurgeService.name);
  private readonly replicaId = randomUUID();
  private readonly executing = new Map<string, Promise<void>>();
  private stopping = false;

  constructor(
    private readonly settings: Settings,
    private readonly store: PurgeStore,
    private readonly reader: JobReader,
    private readonly history: JobHistory,
    private readonly publisher: EventPublisher,
    private readonly jsm: JetStreamManager,
  ) {}

  async plan(request: unknown): Promise<Reply<PurgePlanView>> {
    const checked = checkPurgePlanRequest(request);
    if (!checked.ok) return checked;
    const query = checked.value;
    const now = Date.now();
    const ids = selectForPurge(await this.store.candidates(query, now), query, now);
    const token = newConfirmToken();
    const plan: StoredPlan = {
      planId: randomUUID(),
      status: PurgePlanStatus.Planned,
      count: ids.length,
      erase: query.erase,
      expiresMs: now + this.settings.purgePlanTtlS * 1000,
      tokenHash: hashToken(token),
      createdBy: query.actor,
      createdAt: new Date(now).toISOString(),
      confirmedBy: null,
      idsHash: idsHash(ids),
      filter: purgeFilterOf(query),
      reason: query.reason,
      sample: ids.slice(0, PURGE_SAMPLE_SIZE),
      deleted: 0,
      skipped: 0,
      failed: 0,
      cursor: 0,
    };
    await this.store.create(plan, ids);
    const expiresAt = new Date(plan.expiresMs).toISOString();
    await this.publisher.publish(
      makeEvent('purge_planned', plan.planId, query.actor, {
        plan_id: plan.planId,
        count: plan.count,
        filter: plan.filter,
        erase: plan.erase,
        expires_at: expiresAt,
        ids_hash: plan.idsHash,
        reason: plan.reason,
      }),
    );
    this.logger.log(`purge plan ${plan.planId} by ${query.actor.id}: ${plan.count} jobs${plan.erase ? ', erase' : ''}, confirmable until ${expiresAt}`);
    return {
      ok: true,
      value: { plan_id: plan.planId, count: plan.count, sample: plan.sample, erase: plan.erase, expires_at: expiresAt, confirm_token: token },
    };
  }

  async confirm(request: unknown): Promise<Reply<PurgeProgress>> {
    const checked = checkConfirmRequest(request);
    if (!checked.ok) return checked;
    const { actor, planId, token } = checked.value;
    const plan = await this.store.read(planId);
    const now = Date.now();
    const refusal = confirmRefusal(plan, planId, token, now);
    if (refusal || !plan) return { ok: false, error: refusal ?? apiError(404, 'Not Found', `purge plan ${planId} not found`) };
    // The token matched; the script makes planned → running happen once however many confirm.
    const code = await this.store.confirm(planId, actor, now);
    if (code !== ConfirmCode.Confirmed) {
      const again = await this.store.read(planId);
      return { ok: false, error: confirmRefusal(again, planId, token, Date.now()) ?? apiError(409, 'Conflict', `purge plan ${planId} was already confirmed`) };
    }
    const running: StoredPlan = { ...plan, status: PurgePlanStatus.Running, confirmedBy: actor };
    // In the trail before any of its deletions.
    await this.publisher.publish(this.confirmedEvent(running));
    this.logger.log(`purge plan ${planId} confirmed by ${actor.id}: deleting ${plan.count} jobs`);
    this.execute(planId);
    return { ok: true, value: purgeProgress(running, now) };
  }

  async status(request: unknown): Promise<Reply<PurgeProgress>> {
    const checked = checkPlanIdRequest(request);
    if (!checked.ok) return checked;
    const plan = await this.store.read(checked.value);
    if (!plan) return { ok: false, error: apiError(404, 'Not Found', `purge plan ${checked.value} not found`) };
    return { ok: true, value: purgeProgress(plan, Date.now()) };
  }

  /** Takes up confirmed plans nobody is executing (after a restart, or a replica lost). */
  async resume(): Promise<void> {
    if (this.stopping) return;
    for (const planId of await this.store.running()) this.execute(planId);
  }

  /** Stops after the batch in progress; the plan stays running and is resumed later. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.executing.values()]);
  }

  start(): void {
    this.stopping = false;
  }

  /** Resolves once no plan is executing in this replica (tests). */
  async idle(): Promise<void> {
    while (this.executing.size > 0) await Promise.allSettled([...this.executing.values()]);
  }

  private execute(planId: string): void {
    if (this.stopping || this.executing.has(planId)) return;
    const run = this.run(planId)
      .catch((error: unknown) => this.logger.error(`purge plan ${planId} stopped: ${(error as Error)?.stack ?? String(error)}; it resumes later`))
      .finally(() => this.executing.delete(planId));
    this.executing.set(planId, run);
  }

  private confirmedEvent(plan: StoredPlan): PurgeConfirmed {
    const event = makeEvent('purge_confirmed', plan.planId, plan.confirmedBy ?? plan.createdBy, {
      plan_id: plan.planId,
      count: plan.count,
      erase: plan.erase,
      ids_hash: plan.idsHash,
    });
    return { ...event, id: EventIds.purgeConfirmed(plan.planId) };
  }

  private async run(planId: string): Promise<void> {
    if (!(await this.store.lease(planId, this.replicaId, LEASE_MS))) return;
    const plan = await this.store.read(planId);
    if (!plan || plan.status !== PurgePlanStatus.Running) return;
    // Again when resuming: the confirmation may not have reached the stream before a restart
    // (its deterministic id keeps it stored once).
    await this.publisher.publish(this.confirmedEvent(plan));
    if (plan.cursor > 0) this.logger.log(`resuming purge plan ${planId} at ${plan.cursor} of ${plan.count}`);
    const size = this.settings.purgeBatchSize;
    const step = size * BATCHES_IN_FLIGHT;
    let cursor = plan.cursor;
    let lastSeq = 0;
    // Progress is recorded in order behind the publishing, never holding it up; a crash
    // before a round is recorded redoes that round, which publishes nothing twice.
    let halted: 'lease lost' | Error | null = null;
    let recorded: Promise<void> = Promise.resolve();
    const record = (counts: BatchCounts, upTo: number) => {
      recorded = recorded.then(async () => {
        if (halted) return;
        try {
          if (!(await this.store.recordProgress(planId, counts, upTo, this.replicaId, LEASE_MS))) halted = 'lease lost';
        } catch (error) {
          halted = error as Error;
        }
      });
    };
    // The next round is read while this one is published: Redis and NATS work side by side.
    let next: Promise<Batch[]> | null = cursor < plan.count ? this.readRound(planId, cursor, size) : null;
    while (next && !this.stopping && !halted) {
      const round = await next;
      const read = round.reduce((n, b) => n + b.ids.length, 0);
      next = null;
      if (read === 0) break;
      const after = cursor + read;
      if (read === step && after < plan.count) next = this.readRound(planId, after, size);
      const results = await Promise.all(round.map((batch) => this.deleteBatch(plan, batch)));
      const counts: BatchCounts = { deleted: 0, skipped: 0, failed: 0 };
      for (const r of results) {
        counts.deleted += r.counts.deleted;
        counts.skipped += r.counts.skipped;
        counts.failed += r.counts.failed;
        lastSeq = Math.max(lastSeq, r.maxSeq);
      }
      cursor = after;
      record(counts, cursor);
    }
    // A read started for a round that will not run (stopping) must not fail unheard.
    void next?.catch(() => undefined);
    await recorded;
    if (halted === 'lease lost') {
      this.logger.warn(`purge plan ${planId}: lease lost to another replica at ${cursor} of ${plan.count}`);
      return;
    }
    if (halted) throw halted;
    if (this.stopping && cursor < plan.count) return;
    await this.awaitProjected(lastSeq);
    await this.store.complete(planId);
    const done = await this.store.read(planId);
    this.logger.log(`purge plan ${planId} completed: ${done?.deleted ?? '?'} deleted, ${done?.skipped ?? '?'} skipped, ${done?.failed ?? '?'} failed`);
  }

  /** Up to BATCHES_IN_FLIGHT batches from `from`: their ids and snapshots, read in one go each. */
  private async readRound(planId: string, from: number, size: number): Promise<Batch[]> {
    const ids = await this.store.ids(planId, from, size * BATCHES_IN_FLIGHT);
    const snapshots = await this.reader.snapshots(ids);
    const round: Batch[] = [];
    for (let i = 0; i < ids.length; i += size) round.push({ ids: ids.slice(i, i + size), snapshots: snapshots.slice(i, i + size) });
    return round;
  }

  /** Publishes a batch's deletions all at once and waits for every PubAck (and erase purge). */
  private async deleteBatch(plan: StoredPlan, batch: Batch): Promise<{ counts: BatchCounts; maxSeq: number }> {
    const counts: BatchCounts = { deleted: 0, skipped: 0, failed: 0 };
    const actor = plan.confirmedBy ?? plan.createdBy;
    const reason = plan.erase ? DeletionReason.Erase : DeletionReason.Purge;
    const sent: { jobId: string; eventId: string; ack: Promise<PubAck | null> }[] = [];
    const gone: string[] = [];
    batch.ids.forEach((jobId, i) => {
      const snapshot = batch.snapshots[i];
      // Gone since the plan (expired, deleted, or by this plan before a restart) or put on hold: never touched.
      if (!snapshot || snapshot.held) {
        counts.skipped++;
        if (!snapshot) gone.push(jobId);
        return;
      }
      const event = deletionEvent({ jobId, reason, snapshot, actor, planId: plan.planId, erase: plan.erase });
      const ack = this.publisher.publish(event).catch((error: unknown) => {
        this.logger.error(`purge plan ${plan.planId}: job ${jobId} not deleted: ${(error as Error).message}`);
        return null;
      });
      sent.push({ jobId, eventId: event.id, ack });
    });
    const acks = await Promise.all(sent.map((s) => s.ack));
    const stored = sent.flatMap((s, i) => (acks[i] ? [{ jobId: s.jobId, eventId: s.eventId, seq: acks[i].seq }] : []));
    counts.failed += sent.length - stored.length;
    const maxSeq = stored.reduce((max, s) => Math.max(max, s.seq), 0);
    if (!plan.erase) {
      counts.deleted += stored.length;
      return { counts, maxSeq };
    }
    // A job this plan deleted before a restart, whose erasure may not have happened yet.
    const unfinished = await this.deletedByPlan(plan.planId, gone);
    await this.awaitAudited(Math.max(maxSeq, ...unfinished.map((u) => u.seq)));
    // A deletion the projection refused (the job was put on hold meanwhile) erases nothing;
    // the projector has already moved it from deleted to skipped in the plan's counts.
    const targets = [...stored, ...unfinished];
    await this.awaitProjected(Math.max(maxSeq, ...unfinished.map((u) => u.seq)));
    const refused = await this.reader.refusals(targets.map((t) => t.eventId));
    const notErased = new Set(await this.eraseContent(plan.planId, targets.filter((t) => !refused.has(t.eventId))));
    const storedNotErased = stored.filter((s) => notErased.has(s.jobId)).length;
    counts.deleted += stored.length - storedNotErased;
    counts.failed += storedNotErased;
    return { counts, maxSeq };
  }

  /** Of `jobIds`, those whose latest deletion in JOBS is this plan's, with its sequence. */
  private async deletedByPlan(planId: string, jobIds: readonly string[]): Promise<{ jobId: string; eventId: string; seq: number }[]> {
    const found: { jobId: string; eventId: string; seq: number }[] = [];
    await forEachLimited(
      jobIds,
      ERASE_CONCURRENCY,
      async (jobId) => {
        const deleted = await this.history.last(JobEventType.Deleted, jobId);
        if (deleted?.event.data.plan_id === planId) found.push({ jobId, eventId: deleted.event.id, seq: deleted.seq });
      },
      (jobId, error) => this.logger.error(`purge plan ${planId}: could not read the deletion of job ${jobId}: ${(error as Error).message}`),
    );
    return found;
  }

  /**
   * Erase: once the tombstone (`deleted` with no snapshot) is stored, everything of the job
   * before it leaves JOBS, so its content survives nowhere; the tombstone stays. Answers the
   * jobs whose content could not be removed.
   */
  private async eraseContent(planId: string, targets: readonly { jobId: string; seq: number }[]): Promise<string[]> {
    const failed: string[] = [];
    await forEachLimited(
      targets,
      ERASE_CONCURRENCY,
      async ({ jobId, seq }) => {
        await this.jsm.streams.purge(StreamName.Jobs, { filter: Subjects.jobHistory(jobId), seq });
      },
      ({ jobId }, error) => {
        failed.push(jobId);
        this.logger.error(`purge plan ${planId}: job ${jobId} deleted but its content not erased from JOBS: ${(error as Error).message}`);
      },
    );
    return failed;
  }

  /**
   * Completed means the keys are gone, not only that the deletions are recorded: waits until
   * the projector has acked the last one, for as long as it keeps making progress.
   */
  private awaitProjected(seq: number): Promise<void> {
    return this.awaitConsumer(ConsumerName.Projector, 'projector', seq);
  }

  /**
   * Erasing removes a job's earlier events from JOBS; the audit service must have read them
   * first, or a cancel or revoke it had not yet recorded would vanish from the trail. Waits
   * while the audit consumer makes progress; an absent or stalled audit service does not
   * block an erase (the tombstone itself is still recorded when audit is back).
   */
  private awaitAudited(seq: number): Promise<void> {
    return this.awaitConsumer(ConsumerName.Audit, 'audit service', seq);
  }

  private async awaitConsumer(consumer: string, who: string, seq: number): Promise<void> {
    if (seq === 0) return;
    let floor = -1;
    let movedAt = Date.now();
    while (!this.stopping) {
      const info = await this.jsm.consumers.info(StreamName.Jobs, consumer).catch(() => null);
      if (!info) {
        this.logger.warn(`no ${who} consumer on JOBS; going on without waiting for it`);
        return;
      }
      const now = info.ack_floor.stream_seq;
      if (now >= seq) return;
      if (now !== floor) {
        floor = now;
        movedAt = Date.now();
      } else if (Date.now() - movedAt > PROJECTION_STALL_MS) {
        this.logger.warn(`the ${who} is stuck at ${now}, before ${seq}; going on anyway`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
