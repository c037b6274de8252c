import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  ConsumerName,
  isJudgedEventType,
  JobStatus,
  RefusalReason,
  StreamName,
  type JobCancelled,
  type JobEvent,
  type Settings,
} from '@crux/contracts';
import {
  BatchDrain,
  jetstream,
  projectorConsumerConfig,
  rewindConsumerToAckFloor,
  runOverlappingPulls,
  type JetStreamManager,
  type JsMsg,
  type NatsConnection,
} from '@crux/messaging';
import { setTimeout as sleep } from 'node:timers/promises';
import { notStartedRevoke, parseJobEvent, planUpdate, type PlannedUpdate } from '../domain/index.js';
import { EventPublisher } from '../events/event-publisher.js';
import { OwnDeletions } from '../expiry/own-deletions.js';
import { ApplyCode } from '../redis/apply-code.js';
import { isFencedError, type ProjectorFence } from '../redis/fenced-scripts.js';
import { JobWriter, ProjectorFencedError, type ApplyOutcome } from '../redis/job-writer.js';
import type { SetAside } from '../redis/set-aside-store.js';
import { Tokens } from '../tokens.js';
import { JudgedMark } from '../verdicts/judged-mark.js';
import { deliveryGap } from './delivery-gap.js';
import { sweepSetAside } from './set-aside-sweep.js';

/**
 * The projector's pulls: up to 1,000 messages each, living 2 s, with the next asked for
 * after 1 s (runOverlappingPulls), so a request always waits on the server behind the one
 * being served. With the client's consume() the server's silent drop of a pull expiring
 * while events keep coming left the client counting that pull's messages as still owed; it
 * stopped asking and the projection stood still for two missed heartbeats (~2 s) every so
 * often at a few dozen events/s. When the consumer's leader moves to another NATS node (a
 * node died) the pending pulls are gone without a word; the next is asked for within 1 s
 * anyway. (The client's default expiry, 30 s, once left the projection still for about 35 s
 * after a node was killed.)
 */
const PULLS = { messages: 1000, expiresMs: 2_000, heartbeatMs: 500 };
const RETRY_MIN_MS = 200;
const RETRY_MAX_MS = 5000;
/** How often a running projector checks that no ack but its own moved its consumer's ack floor. */
const ACK_FLOOR_CHECK_MS = 3_000;
/**
 * A script failing on the same event this many times in a row (pauses of 200, 400, 800 and
 * 1,600 ms between: about 3 s) sets it aside, so that one bad key cannot hold back the whole
 * projection behind it.
 */
const SET_ASIDE_AFTER_ATTEMPTS = 5;
/** How often the running projector tries the lifecycle events it set aside again. */
const SET_ASIDE_SWEEP_MS = 10_000;

/** Counters since start, for tests and metrics. */
export interface ProjectorStats {
  /** Batches judged whole, each acked with one ack. */
  batches: number;
  applied: number;
  stale: number;
  /** Rejected by the state machine or aimed at no job: normal, e.g. a progress after completed. */
  ignored: number;
  /** Events not about one job's state (purge plans): acked, nothing written. */
  skipped: number;
  /** Unreadable messages acked and dropped. */
  dropped: number;
  /** Times a script failed on an event: retried in place, its ack and those after it held back, or kept set aside. */
  failed: number;
  /**
   * Events set aside: a script failed on them SET_ASIDE_AFTER_ATTEMPTS times, or an earlier
   * event of their job is set aside. A command is refused (not_applied); a lifecycle event
   * waits in jobs:set-aside for the sweeper.
   */
  setAside: number;
  /** Set-aside lifecycle events the sweeper has since applied (or found stale or ignored). */
  recovered: number;
  /** Batches Redis did not take and that were retried. */
  retries: number;
  /** Batches Redis refused because another replica took the projector lease over (never acked). */
  fenced: number;
  /** Times the consumer was rewound to its ack floor: deliveries lost on the way, or an ack from elsewhere. */
  rewinds: number;
}

/**
 * Who may apply: the projector lease (leadership/). The projector starts only where it is
 * held and writes every batch under the epoch it started in; Redis refuses the batch once
 * another replica took over (the fence), and the projector says so with lost().
 */
export interface ProjectorLease {
  /** This replica holds the lease now. */
  readonly held: boolean;
  /** The epoch of the term this replica leads in; null while standby. */
  readonly epoch: string | null;
  /** Redis refused a batch written under `epoch`: stop projecting here and stand by. */
  lost(epoch: string, reason: string): void;
}

/** One run of overlapping pulls, from start() or a rewind until stopped. */
interface PullRun {
  /** Stops asking (and checking its ack floor); later deliveries of this run are dropped unacked (its generation is over). */
  stop(): void;
}

interface Pending {
  msg: JsMsg;
  event: JobEvent;
  plan: PlannedUpdate;
}

/**
 * Projects the JOBS stream into Redis through the durable consumer `job-state-projector`.
 *
 * Messages are buffered as they arrive and applied in stream order, a batch per MULTI/EXEC,
 * one batch at a time: while a batch is in flight the next one gathers, so batches grow
 * with load and an idle stream still sees each event at once. A batch is acked with one ack,
 * of its last event, only after Redis has answered for every event of it (applied, stale or
 * rejected): the consumer acks all (AckPolicy.All), so that ack covers the whole batch. When
 * Redis is down the batch is retried in place. When a script fails on an event, that event is
 * retried in place with those after it held back (an ack of any of them would cover it too),
 * for SET_ASIDE_AFTER_ATTEMPTS attempts; then it is set aside in Redis (jobs:set-aside: a
 * command is refused, a lifecycle event waits there, with every later event of its job, for a
 * sweep every SET_ASIDE_SWEEP_MS that applies them in order) and the batch goes on past it.
 * So events are never applied out of order because an earlier one failed, nor because one
 * was lost on the way: a gap in the consumer's delivery numbers (its connection or NATS node
 * died with deliveries in flight) rewinds the consumer to its ack floor, so the lost events
 * come first.
 *
 * With several replicas, only the holder of the projector lease consumes (see
 * ProjectorLeadership): start() does nothing elsewhere, and every batch is written under the
 * epoch of the term it started in, which Redis checks inside the batch's own scripts: once
 * another replica took over, the batch is refused, nothing of it written or acked, and this
 * replica stops. start() and stop() are also the pause and resume of anything that must hold
 * the projection still (a rebuild); run such work where the lease is held.
 */
@Injectable()
export class Projector {
  private readonly logger = new Logger(Projector.name);
  private messages: PullRun | undefined;
  /** A batch of events per MULTI/EXEC; none once fenced out. */
  private readonly batches = new BatchDrain<JsMsg>((batch) => this.applyBatch(batch), { shouldContinue: () => !this.fenced });
  private stopping = false;
  /** Redis refused a batch (another replica leads now): nothing more is applied until start() again. */
  private fenced = false;
  private wake: (() => void) | null = null;
  private lease: ProjectorLease | null = null;
  /** Which run of pulls deliveries are taken from: those of an earlier one are dropped unacked. */
  private generation = 0;
  /** Delivery sequence of the last message taken from the current run of pulls. */
  private lastDelivery = 0;
  /** Why a rewind is wanted, while one is wanted or under way. */
  private rewindWanted: string | null = null;
  private rewinding = false;
  /** The epoch this run writes under, taken from the lease at start(); none without a lease. */
  private fence: ProjectorFence | undefined;
  /**
   * Jobs with lifecycle events in jobs:set-aside: their later events are set aside too,
   * untried, so the sweeper applies a job's events in stream order. Read again every run.
   */
  private asideJobs: Set<string> | null = null;
  /** Batches and sweeps of the set-aside events take turns, so a sweep never overtakes a batch. */
  private exclusive: Promise<void> = Promise.resolve();
  private sweepQueued = false;
  readonly stats: ProjectorStats = {
    batches: 0,
    applied: 0,
    stale: 0,
    ignored: 0,
    skipped: 0,
    dropped: 0,
    failed: 0,
    setAside: 0,
    recovered: 0,
    retries: 0,
    fenced: 0,
    rewinds: 0,
  };

  constructor(
    @Inject(Tokens.Nats) private readonly nc: NatsConnection,
    @Inject(Tokens.JetStreamManager) private readonly jsm: JetStreamManager,
    @Inject(JobWriter) private readonly writer: JobWriter,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    @Inject(OwnDeletions) private readonly ownDeletions: OwnDeletions,
    @Inject(Tokens.Settings) private readonly settings: Settings,
    @Inject(JudgedMark) private readonly judged: JudgedMark,
  ) {}

  get running(): boolean {
    return this.messages !== undefined;
  }

  /**
   * The epoch of the lease this replica holds, for writes made in the projector's place while
   * it is paused (a rebuild): Redis refuses them too once another replica took over.
   */
  get leaseFence(): ProjectorFence | undefined {
    return this.lease?.held && this.lease.epoch ? { epoch: this.lease.epoch } : undefined;
  }

  /** From now on, consume only while `lease` is held, and write under its epoch. */
  useLease(lease: ProjectorLease): void {
    this.lease = lease;
  }

  /**
   * Starts consuming, from the first event not yet acknowledged: the consumer is rewound to
   * its ack floor (and created if missing), so events a previous reader took and never
   * acked come first, in stream order, instead of after ack_wait behind later ones; the
   * events after the floor already applied are stale (version) and change nothing.
   * Does nothing where the lease is not held, or when already consuming.
   */
  async start(): Promise<void> {
    if (this.messages) return;
    if (this.lease && (!this.lease.held || this.lease.epoch === null)) {
      this.logger.log('not starting: another replica holds the projector lease');
      return;
    }
    this.fence = this.lease?.epoch ? { epoch: this.lease.epoch } : undefined;
    this.stopping = false;
    this.fenced = false;
    this.asideJobs = null;
    this.messages = await this.consumeFromAckFloor();
  }

  /** Rewinds the consumer to its ack floor and pulls from it; deliveries of any earlier run are dropped from now on. */
  private async consumeFromAckFloor(): Promise<PullRun> {
    const from = await rewindConsumerToAckFloor(this.jsm, StreamName.Jobs, projectorConsumerConfig());
    this.logger.log(`projecting JOBS from sequence ${from}`);
    this.judged.reset(from - 1);
    const consumer = await jetstream(this.nc).consumers.get(StreamName.Jobs, ConsumerName.Projector);
    const { created } = await consumer.info(true);
    const generation = ++this.generation;
    this.lastDelivery = 0;
    const stopSignal = new AbortController();
    const over = () => stopSignal.signal.aborted || generation !== this.generation;
    // Not awaited: a run's last pulls end on their own (or with the consumer a rewind deletes),
    // and what they still deliver is dropped by its generation and comes again after the rewind every start makes.
    void runOverlappingPulls(
      consumer,
      {
        deliver: (msg) => this.enqueue(msg, generation),
        holdOffMs: () => 0,
        wait: (ms) => sleep(ms, undefined, { signal: stopSignal.signal }).catch(() => undefined),
        stopping: over,
        warn: (message) => this.logger.warn(`${ConsumerName.Projector}: ${message}`),
      },
      PULLS,
    );
    const checks = setInterval(() => void this.checkAckFloor(generation, created), ACK_FLOOR_CHECK_MS);
    checks.unref();
    const sweeps = setInterval(() => this.sweepSetAside(), SET_ASIDE_SWEEP_MS);
    sweeps.unref();
    return {
      stop: () => {
        stopSignal.abort();
        clearInterval(checks);
        clearInterval(sweeps);
      },
    };
  }

  /**
   * An ack covers everything before it, whoever sends it. A late ack from a replica that lost
   * the lease (paused between Redis and its ack while this one took over and re-created the
   * consumer) would land on this consumer with that replica's delivery number, and the server
   * then ignores every ack of this run below that number: the ack floor stands still, and the
   * projection with it once max_ack_pending is reached. It shows as an ack floor past the last
   * delivery this run took: the consumer is rewound to that floor, up to which the other
   * replica had applied everything (it acks only what Redis took, in order).
   */
  private async checkAckFloor(generation: number, created: string): Promise<void> {
    if (this.rewinding || this.stopping || this.fenced) return;
    const info = await this.jsm.consumers.info(StreamName.Jobs, ConsumerName.Projector).catch(() => null);
    // Re-created by another replica: not this run's consumer, and not this replica's to rewind.
    if (!info || info.created !== created || generation !== this.generation || this.stopping || this.fenced) return;
    const floor = info.ack_floor.consumer_seq;
    if (floor > this.lastDelivery) {
      this.rewind(`an ack from elsewhere moved the ack floor to delivery ${floor}, past the last one taken here (${this.lastDelivery})`);
    }
  }

  /** Stops pulling and finishes what was already received (unless Redis is down). Safe twice. */
  async stop(): Promise<void> {
    const messages = this.messages;
    this.messages = undefined;
    this.stopping = true;
    this.judged.lose();
    this.wake?.();
    // Whatever the stopped pulls still deliver is dropped unacked; the next start rewinds to the ack floor.
    this.generation++;
    messages?.stop();
    await this.batches.settled();
    await this.exclusive;
  }

  /** Applies one planned update outside the stream; the same path a batch takes. */
  apply(plan: PlannedUpdate) {
    return this.writer.apply(plan);
  }

  private enqueue(msg: JsMsg, generation: number): void {
    if (this.fenced) return; // the new leader rewound the consumer: it applies these
    // From a run of pulls given up (a rewind, a stop): the rewound consumer delivers it again, in order.
    if (generation !== this.generation) return;
    const delivery = msg.info.deliverySequence;
    const gap = deliveryGap(this.lastDelivery, delivery);
    if (gap) {
      // The server counts a lost delivery as delivered and sends it again only after
      // ack_wait, behind this one: applied in that order a job's `completed` would be refused
      // from `pending` and its late `started` would leave it `running` for good.
      this.generation++;
      this.rewind(`${ConsumerName.Projector}: ${gap}`);
      return;
    }
    this.lastDelivery = delivery;
    this.batches.push(msg);
  }

  /**
   * Starts consuming again from the ack floor, so that what never arrived comes first, in
   * stream order; what was applied after the floor is stale (version). The batch in hand is
   * finished first. Tried until it works, unless the projector is stopped or fenced meanwhile
   * (whoever starts it again rewinds anyway).
   */
  private rewind(why: string): void {
    this.rewindWanted = why;
    if (this.rewinding) return;
    this.rewinding = true;
    this.stats.rewinds++;
    this.judged.lose();
    void (async () => {
      let delay = RETRY_MIN_MS;
      while (this.rewindWanted !== null) {
        const messages = this.messages;
        if (!messages || this.stopping || this.fenced) return;
        this.logger.warn(`${this.rewindWanted}: rewinding ${ConsumerName.Projector} to its ack floor`);
        this.rewindWanted = null;
        try {
          messages.stop();
          await this.batches.settled();
          if (this.messages !== messages || this.stopping || this.fenced) return;
          const next = await this.consumeFromAckFloor();
          if (this.messages !== messages || this.stopping || this.fenced) {
            next.stop();
            return;
          }
          this.messages = next;
          delay = RETRY_MIN_MS;
        } catch (error) {
          this.rewindWanted = `rewinding again after a failure (${(error as Error).message})`;
          await new Promise((resolve) => setTimeout(resolve, delay));
          delay = Math.min(delay * 2, RETRY_MAX_MS);
        }
      }
    })().finally(() => (this.rewinding = false));
  }

  private applyBatch(batch: JsMsg[]): Promise<void> {
    return this.serially(async () => {
      const judged = await this.judgeBatch(batch);
      if (judged) {
        this.stats.batches++;
        this.judged.advance(Math.max(...batch.map((m) => m.seq)));
      } else this.judged.lose();
    });
  }

  /** Runs `work` after every batch or sweep before it has finished. */
  private serially(work: () => Promise<void>): Promise<void> {
    const turn = this.exclusive.then(work);
    this.exclusive = turn.catch(() => undefined);
    return turn;
  }

  /**
   * Applies (or refuses) every event of the batch, then acks it with one ack, of its last
   * message. Where a script fails on an event, what came before it is acked, and it is retried
   * in place with everything after it, up to SET_ASIDE_AFTER_ATTEMPTS times; then it is set
   * aside and the batch goes on past it. An event of a job with a lifecycle event set aside is
   * set aside at once. False when the batch was left partly unacked (stopped, or fenced out).
   */
  private async judgeBatch(batch: JsMsg[]): Promise<boolean> {
    const pending: Pending[] = [];
    for (const msg of batch) {
      const parsed = parseJobEvent(msg.subject, msg.string());
      if (!parsed.ok) {
        // Unreadable now means unreadable forever: holding it would block the stream. Acked with the batch.
        this.logger.error(`dropping JOBS message ${msg.seq} on ${msg.subject}: ${parsed.reason}`);
        this.stats.dropped++;
        continue;
      }
      pending.push({ msg, event: parsed.event, plan: planUpdate(parsed.event, msg.seq, this.settings) });
    }
    const aside = await this.knowAsideJobs(batch);
    if (!aside) return false;
    /** The first outcome Redis gave each event: a retry finds those it applied stale. */
    const firstOutcomes: (ApplyOutcome | undefined)[] = [];
    /** Answered for by Redis, or set aside. */
    const done: boolean[] = [];
    let acked = -1;
    let failing = -1;
    let attempts = 0;
    let delay = RETRY_MIN_MS;
    for (;;) {
      // Nothing is set aside in the normal case: the hot path skips the look.
      const behind =
        aside.size === 0
          ? []
          : pending.flatMap((p, i) => (!done[i] && !firstOutcomes[i] && p.plan.kind !== 'skip' && aside.has(p.plan.jobId) ? [i] : []));
      if (behind.length > 0) {
        const events = behind.map((i) => ({
          plan: pending[i].plan,
          reason: `an earlier event of job ${pending[i].plan.jobId} is set aside`,
        }));
        if (!(await this.setAsideInPlace(events, batch.slice(acked + 1)))) return false;
        for (const i of behind) done[i] = true;
      }
      const todo = pending.flatMap((_, i) => (done[i] ? [] : [i]));
      if (todo.length === 0) break;
      const rest = todo.map((i) => pending[i]);
      this.ownDeletions.note(rest.filter((p) => p.plan.kind === 'delete').map((p) => p.plan.jobId));
      const outcomes = await this.applyInPlace(rest);
      if (!outcomes) return false;
      // Before the cancels are acked: once acked, a crash would leave nobody to say it.
      await this.revokeNotStarted(rest, outcomes);
      outcomes.forEach((outcome, k) => {
        if (outcome.ok) firstOutcomes[todo[k]] ??= outcome;
      });
      const failedAt = outcomes.findIndex((outcome, k) => !outcome.ok && rest[k].plan.kind !== 'skip');
      const settled = failedAt === -1 ? todo.length : failedAt;
      for (let k = 0; k < settled; k++) {
        done[todo[k]] = true;
        this.count(pending[todo[k]].plan, firstOutcomes[todo[k]]);
      }
      if (failedAt === -1) break;
      const at = todo[failedAt];
      if (at !== failing) {
        failing = at;
        attempts = 0;
        delay = RETRY_MIN_MS;
      }
      attempts++;
      this.stats.failed++;
      const { msg, plan } = pending[at];
      const failure = outcomes[failedAt];
      const error = failure.ok ? '?' : failure.error.message;
      if (attempts >= SET_ASIDE_AFTER_ATTEMPTS) {
        if (!(await this.setAsideInPlace([{ plan, reason: error }], batch.slice(acked + 1)))) return false;
        done[at] = true;
        continue;
      }
      if (attempts === 1) {
        this.logger.error(
          `could not apply ${plan.eventType} #${plan.seq} to job ${plan.jobId}: ${error}; retrying it in place, holding back the ${batch.length - batch.indexOf(msg)} events from it, before setting it aside`,
        );
      }
      const before = batch.indexOf(msg) - 1;
      if (before > acked) {
        batch[before].ack();
        acked = before;
      }
      if (!(await this.retryPause(delay, batch.slice(before + 1)))) return false;
      delay = Math.min(delay * 2, RETRY_MAX_MS);
    }
    batch[batch.length - 1].ack();
    return true;
  }

  /** The jobs with lifecycle events set aside, read once a run; null when stopped or fenced out first. */
  private async knowAsideJobs(held: readonly JsMsg[]): Promise<Set<string> | null> {
    if (this.asideJobs) return this.asideJobs;
    const entries = await this.untilRedisAnswers('read the set-aside events', held, () => this.writer.setAside.list());
    if (!entries) return null;
    this.asideJobs = new Set(entries.flatMap(({ entry }) => (entry ? [entry.job_id] : [])));
    return this.asideJobs;
  }

  /**
   * Sets `events` aside in Redis before the ack that passes them, retried until Redis takes
   * it (a Redis that cannot take even that is down: nothing is passed); false when stopped or
   * fenced out first.
   */
  private async setAsideInPlace(events: SetAside[], held: readonly JsMsg[]): Promise<boolean> {
    const put = await this.untilRedisAnswers(`set aside ${events.length} events`, held, () =>
      this.writer.setAside.put(events, this.fence).then(() => true),
    );
    if (!put) return false;
    for (const { plan, reason } of events) {
      this.stats.setAside++;
      const command = isJudgedEventType(plan.eventType);
      if (!command) this.asideJobs?.add(plan.jobId);
      this.logger.error(
        `set aside ${plan.eventType} ${plan.eventId} (JOBS #${plan.seq}) of job ${plan.jobId}: ${reason}; ${command ? `refused (${RefusalReason.NotApplied}), it changed nothing` : 'kept in jobs:set-aside until it applies'}`,
      );
    }
    return true;
  }

  /** Runs `work` until Redis answers, holding `held` meanwhile; null when stopped or fenced out first. */
  private async untilRedisAnswers<T>(what: string, held: readonly JsMsg[], work: () => Promise<T>): Promise<T | null> {
    let delay = RETRY_MIN_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (isFencedError(error)) {
          this.fencedOut(new ProjectorFencedError(held.length, error as Error), held.length);
          return null;
        }
        if (attempt === 1 || attempt % 10 === 0) this.logger.warn(`could not ${what} (${(error as Error).message}); retrying`);
        this.stats.retries++;
        if (!(await this.retryPause(delay, held))) return null;
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  }

  /** Queues a sweep of the set-aside events behind the batch in hand, unless one is queued already. */
  private sweepSetAside(): void {
    if (this.sweepQueued || this.stopping || this.fenced) return;
    this.sweepQueued = true;
    void this.serially(async () => {
      this.sweepQueued = false;
      if (this.stopping || this.fenced) return;
      await this.sweep().catch((error: Error) =>
        this.logger.warn(`could not retry the set-aside events (${error.message}); trying again later`),
      );
    });
  }

  /** One sweep of the set-aside events (set-aside-sweep.ts) under this run's fence. */
  private async sweep(): Promise<void> {
    try {
      this.asideJobs = await sweepSetAside({
        writer: this.writer,
        jsm: this.jsm,
        settings: this.settings,
        logger: this.logger,
        fence: this.fence,
        halted: () => this.stopping || this.fenced,
        answered: (plan, outcome) => {
          this.count(plan, outcome);
          this.stats.recovered++;
        },
        failedAgain: () => this.stats.failed++,
      });
    } catch (error) {
      if (error instanceof ProjectorFencedError) this.fencedOut(error, 0);
      throw error;
    }
  }

  /** Counts an event Redis has answered for (or that needed no answer: a skip). */
  private count(plan: PlannedUpdate, outcome: ApplyOutcome | undefined): void {
    if (plan.kind === 'skip') {
      this.stats.skipped++;
      return;
    }
    if (!outcome?.ok) return;
    if (outcome.code === ApplyCode.Applied) this.stats.applied++;
    else if (outcome.code === ApplyCode.Stale) this.stats.stale++;
    else {
      this.stats.ignored++;
      this.logger.debug(
        `ignored ${plan.eventType} #${plan.seq} for job ${plan.jobId}: ${outcome.code === ApplyCode.Tombstoned ? 'it was deleted' : outcome.previous ? `it is ${outcome.previous}` : 'no such job'}`,
      );
    }
  }

  /**
   * Another replica took the projector lease over: Redis refused the batch, so nothing of it
   * was written. It is not acked (the new leader rewound the consumer to the ack floor and
   * applies these events, in order); what is buffered behind it is dropped unacked too, and
   * the leadership stops the projector and stands by.
   */
  private fencedOut(error: ProjectorFencedError, events: number): void {
    this.fenced = true;
    this.stats.fenced++;
    const dropped = this.batches.takeAll().length;
    const epoch = this.fence?.epoch ?? '';
    this.logger.warn(
      `${error.message}; ${events + dropped} events left unacked for the new leader; stopping the projector here (it wrote under epoch ${epoch})`,
    );
    this.lease?.lost(epoch, error.message);
  }

  /**
   * A job cancelled while pending will never be run (workers ask job-state first): job-state
   * says so with `revoked` (not-started), under a deterministic id so that a worker or a
   * replica saying the same is stored once. A running job's wait for its worker's revoke is
   * recorded by the apply script itself (revoke_pending).
   */
  private async revokeNotStarted(pending: Pending[], outcomes: ApplyOutcome[]): Promise<void> {
    const revokes = pending
      .filter(({ event }, i) => {
        const o = outcomes[i];
        return event.type === 'cancel' && o.ok && o.code === ApplyCode.Applied && o.previous === JobStatus.Pending;
      })
      .map(({ event }) => notStartedRevoke(event as JobCancelled));
    const results = await Promise.allSettled(revokes.map((revoke) => this.publisher.publish(revoke)));
    results.forEach((result, i) => {
      if (result.status === 'rejected') {
        // The worker that picks the job up skips it and publishes the same revoke.
        this.logger.error(`could not publish revoked (not-started) for job ${revokes[i].job_id}: ${(result.reason as Error).message}`);
      }
    });
  }

  /**
   * Retries the whole batch until Redis takes it; null when stopped meanwhile or refused by
   * the fence (nothing acked either way).
   */
  private async applyInPlace(pending: Pending[]) {
    let delay = RETRY_MIN_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        const outcomes = await this.writer.applyBatch(
          pending.map((p) => p.plan),
          this.fence,
        );
        if (attempt > 1) this.logger.log(`applied a batch of ${pending.length} events after ${attempt} attempts`);
        return outcomes;
      } catch (error) {
        if (error instanceof ProjectorFencedError) {
          this.fencedOut(error, pending.length);
          return null;
        }
        if (this.stopping) {
          this.logger.warn(`stopping with ${pending.length} events unapplied; JetStream redelivers them`);
          return null;
        }
        if (attempt === 1 || attempt % 10 === 0) {
          this.logger.warn(`Redis did not take a batch of ${pending.length} events (${(error as Error).message}); retrying`);
        }
        this.stats.retries++;
        await this.retryPause(
          delay,
          pending.map((p) => p.msg),
        );
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  }

  /**
   * Waits `ms` before a retry, or until stop() wakes it, keeping JetStream from handing `held`
   * to another reader meanwhile; false when stopping or fenced out by then.
   */
  private async retryPause(ms: number, held: readonly JsMsg[]): Promise<boolean> {
    for (const msg of held) msg.working();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = null;
    return !this.stopping && !this.fenced;
  }
}
