import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import { ConsumerName, makeEvent, PurgePlanStatus, type PurgeConfirmed } from '@crux/contracts';
import type { JetStreamManager } from '@crux/messaging';
import type { Redis } from 'ioredis';
import { EventIds, type StoredPlan } from '../domain/index.js';
import type { EventPublisher } from '../events/event-publisher.js';
import type { Batch, BatchDeleter, BatchOutcome } from './batch-deleter.js';
import { awaitAcked, consumerAckProbe } from './consumer-progress.js';
import type { BatchCounts, PurgeStore } from './purge-store.js';
import { readStoredJobs } from './stored-jobs.js';

/** A replica that stops renewing its lease (crashed) hands the plan over after this long. */
const LEASE_MS = 30_000;
/**
 * Batches published at once: their PubAcks are awaited together, so publishing never waits on
 * the Redis round trips between batches.
 */
const BATCHES_IN_FLIGHT = 4;

/** The `purge_confirmed` event of a plan; its id derives from the plan, so it is stored once however often it is sent. */
export function purgeConfirmedEvent(plan: StoredPlan): PurgeConfirmed {
  return makeEvent(
    'purge_confirmed',
    plan.planId,
    plan.confirmedBy ?? plan.createdBy,
    { plan_id: plan.planId, count: plan.count, erase: plan.erase, ids_hash: plan.idsHash },
    { id: EventIds.purgeConfirmed(plan.planId) },
  );
}

/**
 * Executes confirmed purge plans: the frozen ids in rounds of BATCHES_IN_FLIGHT batches, the
 * next round read (ids and the jobs' raw hashes, one pipeline) while this one is published.
 * Holds a lease per plan and records the cursor and counts after each round, so a restart,
 * or another replica once the lease lapses, resumes after the last recorded round; redone
 * deletions carry the same ids and are stored once. A plan completes once the projector has
 * applied its last deletion, i.e. the keys are gone.
 */
export class PurgeExecutor {
  private readonly logger = new Logger(PurgeExecutor.name);
  private readonly replicaId = randomUUID();
  private readonly executing = new Map<string, Promise<void>>();
  private stopping = false;
  private readonly isStopping = () => this.stopping;

  constructor(
    private readonly store: PurgeStore,
    private readonly redis: Redis,
    private readonly deleter: BatchDeleter,
    private readonly publisher: EventPublisher,
    private readonly jsm: JetStreamManager,
    private readonly batchSize: number,
  ) {}

  /** Starts executing `planId` here unless it already runs here (or the executor is stopping). */
  execute(planId: string): void {
    if (this.stopping || this.executing.has(planId)) return;
    const run = this.run(planId)
      .catch((error: unknown) =>
        this.logger.error(`purge plan ${planId} stopped: ${(error as Error)?.stack ?? String(error)}; it resumes later`),
      )
      .finally(() => this.executing.delete(planId));
    this.executing.set(planId, run);
  }

  /** Takes up confirmed plans nobody is executing (after a restart, or a replica lost). */
  async resume(): Promise<void> {
    if (this.stopping) return;
    for (const planId of await this.store.running()) this.execute(planId);
  }

  /** Stops after the round in progress; the plan stays running and is resumed later. */
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

  private async run(planId: string): Promise<void> {
    if (!(await this.store.lease(planId, this.replicaId, LEASE_MS))) return;
    const plan = await this.store.read(planId);
    if (!plan || plan.status !== PurgePlanStatus.Running) return;
    // Again when resuming: the confirmation may not have reached the stream before a restart.
    await this.publisher.publish(purgeConfirmedEvent(plan));
    if (plan.cursor > 0) this.logger.log(`resuming purge plan ${planId} at ${plan.cursor} of ${plan.count}`);
    const step = this.batchSize * BATCHES_IN_FLIGHT;
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
    let next: Promise<Batch[]> | null = cursor < plan.count ? this.readRound(planId, cursor) : null;
    while (next && !this.stopping && !halted) {
      const round = await next;
      const read = round.reduce((n, b) => n + b.ids.length, 0);
      next = null;
      if (read === 0) break;
      const after = cursor + read;
      if (read === step && after < plan.count) {
        next = this.readRound(planId, after);
        next.catch(() => undefined); // awaited at the next turn; not unhandled while this one publishes
      }
      const counts: BatchCounts = { deleted: 0, skipped: 0, failed: 0 };
      const pending: Promise<BatchOutcome>[] = [];
      for (const batch of round) {
        const outcome = this.deleter.delete(plan, batch, this.isStopping);
        outcome.catch(() => undefined); // heard by Promise.all below, not unhandled meanwhile
        pending.push(outcome);
        // A batch is published in one go; between two, the projector and requests get their turn.
        await setImmediate();
      }
      const outcomes = await Promise.all(pending);
      for (const o of outcomes) {
        counts.deleted += o.counts.deleted;
        counts.skipped += o.counts.skipped;
        counts.failed += o.counts.failed;
        lastSeq = Math.max(lastSeq, o.maxSeq);
      }
      cursor = after;
      record(counts, cursor);
    }
    await recorded;
    if (halted === 'lease lost') {
      this.logger.warn(`purge plan ${planId}: lease lost to another replica at ${cursor} of ${plan.count}`);
      return;
    }
    if (halted) throw halted;
    if (this.stopping && cursor < plan.count) return;
    // Completed means the keys are gone, not only that the deletions are recorded.
    await awaitAcked(consumerAckProbe(this.jsm, ConsumerName.Projector, lastSeq), 'projector', lastSeq, this.isStopping, this.logger);
    await this.store.complete(planId);
    const done = await this.store.read(planId);
    this.logger.log(
      `purge plan ${planId} completed: ${done?.deleted ?? '?'} deleted, ${done?.skipped ?? '?'} skipped, ${done?.failed ?? '?'} failed`,
    );
  }

  /** Up to BATCHES_IN_FLIGHT batches from `from`: their ids and the jobs' hashes, read in one go each. */
  private async readRound(planId: string, from: number): Promise<Batch[]> {
    const size = this.batchSize;
    const ids = await this.store.ids(planId, from, size * BATCHES_IN_FLIGHT);
    const jobs = await readStoredJobs(this.redis, ids);
    const round: Batch[] = [];
    for (let i = 0; i < ids.length; i += size) round.push({ ids: ids.slice(i, i + size), jobs: jobs.slice(i, i + size) });
    return round;
  }
}
