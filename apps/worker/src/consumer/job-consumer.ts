/**
 * The worker's side of the work queue: pulls `job.created` from the durable `workers`
 * consumer and turns each into a run in the pool and the job's events (`started`,
 * `progress`…, `completed` | `failed`). It takes no more messages than it has free children,
 * except while runs are short: then up to `prefetch` more wait for a child, so that one
 * pull brings several jobs instead of one (a pull costs the client and the server far more
 * than a short job's message). A job taken ahead heart-beats like any other, and is checked
 * against cancels like any other until the moment a child takes it.
 *
 * Before a job runs, job-state is asked whether it is still wanted; the questions of jobs
 * pulled together go in one request (StateLookups). A redelivered job is also looked for in
 * JOBS itself: its outcome may be stored there while job-state's projection still says
 * running (a NATS failover stalls both the first worker's ack and the projection).
 *
 * Outcomes (`completed`, `failed`) are published under one id per job (terminalEventId), so
 * JetStream stores a job's first outcome only, however many runs end; a `job.revoked` under
 * one id per cancel.
 *
 * A message is acknowledged only after the event that settles the job has its PubAck, and
 * kept alive with `working()` while the job runs, so a worker that dies at any point
 * leaves the job to be redelivered to another.
 *
 * Cancels: every worker hears every `job.cancel.<id>` (a core subscription with no queue
 * group; JetStream publishes reach core subscribers too). The worker holding the job acts
 * at once, with nothing awaited between hearing the cancel and signalling the child: a
 * running job's child is revoked (SIGTERM, SIGKILL after the grace, retried until the
 * process is gone) and `job.revoked` is published once it is gone; a job not yet started
 * is dropped without running or recording anything (job-state records its `not-started`
 * revoke). Either way the message is acknowledged, never redelivered, and nothing else is
 * published for the job. Cancels missed while disconnected are caught by CancelWatch.
 */
import {
  ConsumerName,
  FailureReason,
  JobEventType,
  StreamName,
  Subjects,
  followEvent,
  makeEvent,
  serviceActor,
  type Actor,
  type EventEnvelope,
  type JobCompletedData,
  type JobCreated,
  type JobFailedData,
  type JobProgressData,
  type JobRevokedData,
  type JobStartedData,
} from '@crux/contracts';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager, type JsMsg, type NatsConnection, type PubAck } from '@crux/messaging';
import type { Msg, Subscription } from '@nats-io/transport-node';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobOutcome, PoolLogger, RunningJob } from '../pool/pool-types.js';
import { RunAbortedError, RunDeferredError, type WorkerPool } from '../pool/worker-pool.js';
import type { SolveProgress } from '../solving/progress.js';
import { specFromCreated } from '../solving/solve-spec.js';
import { jobTimeLimits, type TimeLimitSettings } from '../solving/time-limits.js';
import { CancelAction, DeliveryPhase, actionOnCancel, revokedData } from './cancel-decision.js';
import { cancelEventId, findStoredCancel } from './cancel-event.js';
import { CancelWatch } from './cancel-watch.js';
import { decideDelivery, needsStoredOutcomeCheck, workerLostMessage } from './delivery-decision.js';
import { fitResult } from './fit-result.js';
import { DEFAULT_PUBLISH_RETRY, JobEventPublisher, PublisherClosedError, type PublishRetry } from './job-event-publisher.js';
import { ProgressThrottle } from './progress-throttle.js';
import { RecentCancels } from './recent-cancels.js';
import { StateLookups } from './state-lookups.js';
import { findStoredTerminal, revokedEventId, terminalEventId, type TerminalType } from './terminal-event.js';

export interface JobConsumerOptions {
  nc: NatsConnection;
  pool: WorkerPool;
  workerId: string;
  /** CRUX_MAX_ATTEMPTS */
  maxAttempts: number;
  /** CRUX_ACK_WAIT_MS: `working()` is sent well inside it. */
  ackWaitMs: number;
  /** How long to wait for job-state's answer. */
  requestTimeoutMs: number;
  /** CRUX_REVOKE_GRACE_MS: SIGTERM → SIGKILL on a cancelled job's child. */
  revokeGraceMs: number;
  /** How often held jobs are checked with job-state for a cancel this worker missed. @defaultValue 3000 */
  cancelCheckMs?: number;
  /** Redelivery delay when job-state cannot be asked. @defaultValue 2000 */
  retryDelayMs?: number;
  /** Shortest gap between two progress events of one job. @defaultValue 100 */
  progressIntervalMs?: number;
  /** How long one pull waits for messages. @defaultValue 2000 */
  fetchExpiresMs?: number;
  /** Most jobs taken ahead of free children while runs are short. @defaultValue the pool's size */
  prefetch?: number;
  /**
   * Jobs are taken ahead only while recent runs took less than this on average: a job taken
   * ahead waits for a child of this worker while another worker may be free, and that wait
   * must stay short. @defaultValue 50
   */
  prefetchBelowMs?: number;
  publishRetry?: PublishRetry;
  logger?: PoolLogger;
  /**
   * CRUX_SOFT_TIME_LIMIT_S and CRUX_HARD_TIME_LIMIT_S: a job still running at its hard limit
   * (a request may ask for a lower one) is killed like a revoke and fails with reason
   * `time_limit`. The soft limit is the child's business. Unset: no hard limit.
   */
  timeLimits?: TimeLimitSettings;
}

interface CancelNotice {
  /** The cancel event's id when the worker heard the event; null when job-state told of the cancel. */
  eventId: string | null;
  via: 'cancel-event' | 'job-state';
}

interface ActiveDelivery {
  jobId: string;
  msg: JsMsg;
  phase: DeliveryPhase;
  /** Set once the job is known to be cancelled; from then on nothing but `job.revoked` is published for it. */
  cancel: CancelNotice | null;
  /** Takes the job back from the pool while it waits for a child. */
  withdraw: AbortController;
  throttle: ProgressThrottle<SolveProgress> | null;
  /** Publishes the run's events in order; closed on cancel. */
  publisher: JobEventPublisher | null;
  /** The `started` publish, once the child has the job. */
  started: Promise<unknown>;
  pid: number | null;
  /** CancelWatch.epoch when job-state last said the job was still wanted. */
  checkedEpoch: number;
  /** Set at shutdown once the message has been handed back; the job's outcome is then ignored. */
  abandoned: boolean;
  done: Promise<void>;
}

const silent: PoolLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };
/** Pause between rounds of publishing a `job.revoked` that will not go out: it is never given up while the worker runs. */
const REVOKED_REPUBLISH_PAUSE_MS = 1000;

export class JobConsumer {
  private readonly js: JetStreamClient;
  private jsm: JetStreamManager | undefined;
  private readonly actor: Actor;
  private readonly logger: PoolLogger;
  private readonly active = new Map<JsMsg, ActiveDelivery>();
  private readonly recentCancels = new RecentCancels();
  private readonly watch: CancelWatch;
  private readonly lookups: StateLookups;
  /** Moving average of how long runs took (ms); null before the first. */
  private runMs: number | null = null;
  private cancelSub: Subscription | undefined;
  /** Messages taken from the queue that have not yet been given a child (or let go). */
  private reserved = 0;
  private stopping = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wakeLoop: () => void = () => undefined;
  private unsubscribeIdle: () => void = () => undefined;

  constructor(private readonly options: JobConsumerOptions) {
    this.js = jetstream(options.nc);
    this.actor = serviceActor(options.workerId);
    this.logger = options.logger ?? silent;
    this.lookups = new StateLookups(options.nc, { timeoutMs: options.requestTimeoutMs, logger: this.logger });
    this.watch = new CancelWatch(options.nc, options.cancelCheckMs ?? 3000, () => this.checkHeldJobs(), this.logger);
  }

  /** Jobs this worker holds now. */
  get activeJobs(): string[] {
    return [...this.active.values()].map((a) => a.jobId);
  }

  /** Starts listening for cancels, then pulling. The JOBS stream and the `workers` consumer must exist. */
  async start(): Promise<void> {
    this.jsm = await jetstreamManager(this.options.nc);
    const consumer = await this.js.consumers.get(StreamName.Jobs, ConsumerName.Workers);
    this.cancelSub = this.options.nc.subscribe(Subjects.eventsOfType(JobEventType.Cancel), {
      callback: (error, msg) => {
        if (error) this.logger.error(`the cancel subscription failed: ${error.message}`);
        else this.heardCancel(msg);
      },
    });
    // The subscription is in place on the server before the first job is pulled.
    await this.options.nc.flush();
    this.watch.start();
    this.unsubscribeIdle = this.options.pool.onIdle(() => this.wakeLoop());
    this.loopDone = this.pullLoop(consumer);
  }

  /**
   * Stops pulling, lets running jobs finish for up to `graceMs`, and hands the rest back
   * to the queue (nak) so another worker runs them at once. A cancelled job is never
   * handed back: it settles once its child is gone. The pool is closed by the caller.
   */
  async stop(graceMs: number): Promise<void> {
    if (this.stopping) return this.loopDone;
    this.stopping = true;
    this.wakeLoop();
    // Jobs taken ahead that no child has yet are handed back at once, not run during the grace.
    for (const delivery of this.active.values()) if (delivery.phase === DeliveryPhase.Starting && !delivery.cancel) delivery.withdraw.abort();
    await this.watch.stop();
    const running = [...this.active.values()];
    const ac = new AbortController();
    await Promise.race([Promise.all(running.map((a) => a.done)), sleep(graceMs, undefined, { signal: ac.signal }).catch(() => undefined)]);
    ac.abort();
    for (const delivery of this.active.values()) {
      if (delivery.cancel) continue;
      delivery.abandoned = true;
      quietly(() => delivery.msg.nak());
      this.logger.log(`handed job ${delivery.jobId} back to the queue at shutdown`);
    }
    this.unsubscribeIdle();
    await this.loopDone;
  }

  /** Resolves once every job this worker held has been settled or handed back; then stops hearing cancels. */
  async idle(): Promise<void> {
    await Promise.all([...this.active.values()].map((a) => a.done));
    this.cancelSub?.unsubscribe();
  }

  private async pullLoop(consumer: Awaited<ReturnType<JetStreamClient['consumers']['get']>>): Promise<void> {
    while (!this.stopping) {
      const ahead = this.aheadNow();
      const room = this.options.pool.idleCount + ahead - this.reserved;
      // Taking ahead, pull only once the jobs waiting for a child fit in the free ones: a pull then brings `ahead` or more.
      if (room < Math.max(1, ahead)) {
        await new Promise<void>((resolve) => (this.wakeLoop = resolve));
        continue;
      }
      try {
        const batch = await consumer.fetch({ max_messages: room, expires: this.options.fetchExpiresMs ?? 2000 });
        for await (const msg of batch) {
          if (this.stopping) {
            // Pulled as the worker began to stop: give it straight back.
            quietly(() => msg.nak());
            continue;
          }
          this.reserved++;
          this.track(msg);
        }
      } catch (error) {
        if (this.stopping) break;
        this.logger.warn(`pulling jobs failed, retrying: ${(error as Error).message}`);
        await sleep(1000);
      }
    }
  }

  /** How many jobs to take ahead of free children now. */
  private aheadNow(): number {
    const short = this.runMs !== null && this.runMs < (this.options.prefetchBelowMs ?? 50);
    return short ? (this.options.prefetch ?? this.options.pool.size) : 0;
  }

  private noteRunTime(ms: number): void {
    this.runMs = this.runMs === null ? ms : this.runMs + (ms - this.runMs) / 5;
  }

  private track(msg: JsMsg): void {
    const delivery: ActiveDelivery = {
      jobId: '?',
      msg,
      phase: DeliveryPhase.Deciding,
      cancel: null,
      withdraw: new AbortController(),
      throttle: null,
      publisher: null,
      started: Promise.resolve(),
      pid: null,
      checkedEpoch: -1,
      abandoned: false,
      done: Promise.resolve(),
    };
    this.active.set(msg, delivery);
    delivery.done = this.handle(delivery)
      .catch((error: unknown) => this.logger.error(`job ${delivery.jobId}: ${(error as Error).message}`))
      .finally(() => this.active.delete(msg));
  }

  /**
   * The hot path of a cancel: synchronous from the message to the signal, so the child is
   * signalled within the same turn of the event loop that delivered the cancel.
   */
  private heardCancel(msg: Msg): void {
    const jobId = msg.subject.slice(msg.subject.lastIndexOf('.') + 1);
    const eventId = cancelEventId(() => msg.json(), jobId);
    if (!eventId) {
      this.logger.warn(`ignoring a message on ${msg.subject} that is not a cancel event for that job`);
      return;
    }
    let held = false;
    for (const delivery of this.active.values()) {
      if (delivery.jobId !== jobId) continue;
      held = true;
      this.cancel(delivery, { eventId, via: 'cancel-event' });
    }
    // Not held (now): remembered in case this worker fetches the job before job-state has recorded the cancel.
    if (!held) this.recentCancels.remember(jobId, eventId);
  }

  private cancel(delivery: ActiveDelivery, notice: CancelNotice): void {
    if (delivery.cancel || delivery.abandoned) return;
    delivery.cancel = notice;
    const action = actionOnCancel(delivery.phase);
    switch (action) {
      case CancelAction.Revoke:
        void this.options.pool.revoke(delivery.jobId, this.options.revokeGraceMs);
        delivery.throttle?.cancel();
        delivery.publisher?.close();
        this.logger.log(
          `job ${delivery.jobId} cancelled (${notice.via}): sent SIGTERM to child ${delivery.pid}, SIGKILL follows after ${this.options.revokeGraceMs} ms if it is still alive`,
        );
        return;
      case CancelAction.Withdraw:
        delivery.withdraw.abort();
        return;
      case CancelAction.Drop:
      case CancelAction.VoidResult:
        // Acted on where the delivery next looks at `cancel`: after job-state's answer, or before recording the result.
        delivery.throttle?.cancel();
        delivery.publisher?.close();
        return;
      default: {
        const unknown: never = action;
        throw new Error(`unhandled cancel action ${String(unknown)}`);
      }
    }
  }

  /** CancelWatch's sweep: asks job-state about every held job not yet known to be cancelled. */
  private async checkHeldJobs(): Promise<void> {
    const due = [...this.active.values()].filter((d) => !d.cancel && !d.abandoned && d.phase !== DeliveryPhase.Deciding);
    await Promise.all(due.map((delivery) => this.checkStillWanted(delivery)));
  }

  private async checkStillWanted(delivery: ActiveDelivery): Promise<void> {
    const epoch = this.watch.epoch;
    const state = await this.lookups.lookup(delivery.jobId);
    if (state.kind === 'unavailable') return;
    delivery.checkedEpoch = epoch;
    if (state.kind === 'found' && state.status === 'cancelled' && !delivery.cancel) {
      this.logger.warn(`job ${delivery.jobId} was cancelled without this worker hearing the cancel (job-state says so); stopping it now`);
      this.cancel(delivery, { eventId: null, via: 'job-state' });
    }
  }

  private async handle(delivery: ActiveDelivery): Promise<void> {
    const { msg } = delivery;
    let holdsReservation = true;
    const release = () => {
      if (!holdsReservation) return;
      holdsReservation = false;
      this.reserved--;
      this.wakeLoop();
    };
    // JetStream must hear from us well inside ack_wait for as long as we hold the message,
    // including while we wait for job-state and while a cancelled job's child is killed.
    const heartbeat = setInterval(() => quietly(() => msg.working()), Math.max(250, Math.floor(this.options.ackWaitMs / 4)));
    try {
      const created = parseCreated(msg);
      if (!created) {
        this.logger.error(`dropping a malformed job.created message (stream seq ${msg.seq}) on ${msg.subject}`);
        msg.term();
        return;
      }
      delivery.jobId = created.job_id;
      const heard = this.recentCancels.get(created.job_id);
      if (heard) this.cancel(delivery, { eventId: heard, via: 'cancel-event' });
      const attempt = msg.info.deliveryCount;
      const epoch = this.watch.epoch;
      const asked = !delivery.cancel;
      // Both questions at once: the JOBS read costs a round trip only on the rare redelivery.
      const [state, storedTerminal] = await Promise.all([
        asked ? this.lookups.lookup(created.job_id) : ({ kind: 'unavailable', detail: 'not asked: the job is cancelled' } as const),
        asked && needsStoredOutcomeCheck(attempt) ? findStoredTerminal(this.streams(), created.job_id) : undefined,
      ]);
      if (state.kind !== 'unavailable') delivery.checkedEpoch = epoch;
      const decision = decideDelivery({ deliveryCount: attempt, maxAttempts: this.options.maxAttempts, state, cancelHeard: delivery.cancel !== null, storedTerminal });
      switch (decision.action) {
        case 'skip':
          this.logger.log(`not running job ${created.job_id} (delivery ${attempt}): ${decision.why}`);
          await this.ack(msg);
          return;
        case 'fail-lost': {
          const pubAck = await this.publishOutcome(this.publisherFor(created.job_id), created, JobEventType.Failed, {
            error: workerLostMessage(decision.previousAttempts),
            reason: FailureReason.WorkerLost,
          } satisfies JobFailedData);
          this.noteIfAlreadyStored(created.job_id, JobEventType.Failed, pubAck);
          await this.ack(msg);
          return;
        }
        case 'retry-later':
          this.logger.warn(`job ${created.job_id} waits: job-state cannot say whether it may run (${decision.why})`);
          msg.nak(this.options.retryDelayMs ?? 2000);
          return;
        case 'run':
          if (this.stopping) {
            msg.nak();
            this.logger.log(`handed job ${created.job_id} back to the queue at shutdown before it started`);
            return;
          }
          await this.run(delivery, created, attempt, release);
          return;
        default: {
          const unknown: never = decision;
          throw new Error(`unhandled delivery decision ${JSON.stringify(unknown)}`);
        }
      }
    } catch (error) {
      if (delivery.cancel) {
        // Never redelivered: the job is cancelled.
        this.logger.error(`job ${delivery.jobId} (stream seq ${msg.seq}), cancelled: ${(error as Error).message}; letting it go`);
        quietly(() => msg.term());
      } else {
        this.logger.error(`job ${delivery.jobId} (stream seq ${msg.seq}): ${(error as Error).message}; handing it back to the queue`);
        if (!delivery.abandoned) quietly(() => msg.nak(this.options.retryDelayMs ?? 2000));
      }
    } finally {
      clearInterval(heartbeat);
      release();
    }
  }

  private async run(delivery: ActiveDelivery, created: JobCreated, attempt: number, release: () => void): Promise<void> {
    const jobId = created.job_id;
    const publisher = this.publisherFor(jobId);
    delivery.publisher = publisher;
    const progressIntervalMs = this.options.progressIntervalMs ?? 100;
    const throttle = new ProgressThrottle<SolveProgress>(progressIntervalMs, (progress) => {
      publisher.publish(followEvent(created, JobEventType.Progress, this.actor, progressData(progress))).catch((error: unknown) => {
        if (!(error instanceof PublisherClosedError)) this.logger.warn(`progress of job ${jobId} not published: ${(error as Error).message}`);
      });
    });
    delivery.throttle = throttle;
    delivery.phase = DeliveryPhase.Starting;

    const spec = specFromCreated(jobId, created.data);
    const limits = this.options.timeLimits;
    const hardLimit = limits ? { ms: jobTimeLimits(spec.request, limits).hardMs, graceMs: this.options.revokeGraceMs } : undefined;
    let startedAt = 0;
    const handlers = {
      onStart: (pid: number) => {
        // From here a cancel kills this child.
        delivery.phase = DeliveryPhase.Running;
        delivery.pid = pid;
        startedAt = Date.now();
        release();
        const data: JobStartedData = { worker_id: this.options.workerId, pid, attempt };
        // Queued before any progress can arrive, so `started` is always first.
        delivery.started = publisher.publish(followEvent(created, JobEventType.Started, this.actor, data));
      },
      onProgress: (progress: SolveProgress) => {
        if (!delivery.cancel) throttle.offer(progress);
      },
    };
    // NATS dropped since job-state last said the job may run: a cancel sent meanwhile was not heard, so ask again first.
    const mayStart = () => delivery.checkedEpoch === this.watch.epoch;
    let running: RunningJob | null = null;
    while (!running) {
      try {
        running = await this.options.pool.run(spec, handlers, { signal: delivery.withdraw.signal, mayStart, progressIntervalMs, hardLimit });
      } catch (error) {
        if (error instanceof RunDeferredError) {
          await this.checkStillWanted(delivery);
          if (delivery.cancel || mayStart()) continue;
          this.logger.warn(`job ${jobId} waits: job-state cannot say whether it was cancelled while NATS was away`);
          delivery.msg.nak(this.options.retryDelayMs ?? 2000);
          return;
        }
        if (!(error instanceof RunAbortedError)) throw error;
        if (delivery.cancel) {
          this.logger.log(`not running job ${jobId}: cancelled while it waited for a child`);
          await this.ack(delivery.msg);
        } else if (!delivery.abandoned) {
          // Withdrawn at shutdown.
          delivery.msg.nak();
          this.logger.log(`handed job ${jobId} back to the queue at shutdown before it started`);
        }
        return;
      }
    }
    this.debug(`running job ${jobId} (attempt ${attempt}) in child ${running.pid}`);

    // Without `started` on record job-state would refuse every later event of this run.
    const startedOk = await delivery.started.then(
      () => true,
      (error: unknown) => {
        this.logger.error(`job ${jobId}: job.started not published (${(error as Error).message})`);
        return false;
      },
    );
    if (!startedOk) {
      throttle.cancel();
      const outcome = await this.options.pool.revoke(jobId, 0);
      if (delivery.abandoned) return;
      if (delivery.cancel) await this.settleCancelled(delivery, created, { kind: 'revoked', revoke: outcome });
      else delivery.msg.nak(this.options.retryDelayMs ?? 2000);
      return;
    }

    const outcome = await running.outcome;
    if (outcome.kind === 'completed' || outcome.kind === 'failed') this.noteRunTime(Date.now() - startedAt);
    if (delivery.abandoned) {
      throttle.cancel();
      return;
    }
    delivery.phase = DeliveryPhase.Finishing;
    if (delivery.cancel) {
      throttle.cancel();
      await this.settleCancelled(delivery, created, outcome);
      return;
    }
    switch (outcome.kind) {
      case 'completed':
        // `completed` sets progress 1 and the final phase: progress still held back would only repeat it.
        throttle.cancel();
        await this.finish(delivery, created, publisher, outcome, JobEventType.Completed, {
          result: fitResult(outcome.result, this.options.nc.info?.max_payload ?? 1024 * 1024),
        } satisfies JobCompletedData);
        return;
      case 'failed':
        throttle.cancel();
        await this.finish(delivery, created, publisher, outcome, JobEventType.Failed, { error: outcome.error, reason: outcome.reason } satisfies JobFailedData);
        return;
      case 'lost':
        throttle.cancel();
        this.logger.warn(`job ${jobId} lost its child ${outcome.pid} (signal ${outcome.signal}, code ${outcome.code}); redelivering`);
        delivery.msg.nak();
        return;
      case 'revoked':
        // Only a cancel revokes a job, and a cancelled job was settled above.
        throttle.cancel();
        this.logger.error(`job ${jobId} was revoked without a cancel; letting it go`);
        await this.ack(delivery.msg);
        return;
      default: {
        const unknown: never = outcome;
        throw new Error(`unhandled job outcome ${JSON.stringify(unknown)}`);
      }
    }
  }

  /** Records a completed or failed job, unless it turns out to be cancelled first. */
  private async finish<T extends 'completed' | 'failed', D>(
    delivery: ActiveDelivery,
    created: JobCreated,
    publisher: JobEventPublisher,
    outcome: JobOutcome,
    type: T,
    data: D,
  ): Promise<void> {
    const jobId = created.job_id;
    // The connection dropped since job-state last said the job was wanted: a cancel may have been missed.
    if (delivery.checkedEpoch !== this.watch.epoch) await this.checkStillWanted(delivery);
    if (delivery.cancel) {
      await this.settleCancelled(delivery, created, outcome);
      return;
    }
    let pubAck: PubAck | null = null;
    try {
      pubAck = await this.publishOutcome(publisher, created, type, data);
    } catch (error) {
      // Dropped because a cancel came while it was being sent: recorded as revoked below.
      if (!(error instanceof PublisherClosedError && delivery.cancel)) throw error;
    }
    if (!delivery.cancel) {
      this.noteIfAlreadyStored(jobId, type, pubAck);
      await this.ack(delivery.msg);
      if (type === 'completed') this.debug(`job ${jobId} completed`);
      else this.logger.log(`job ${jobId} failed: ${(data as JobFailedData).error}`);
      return;
    }
    if (pubAck === null || (await this.cancelPrecedes(jobId, pubAck.seq))) {
      // The cancel crossed the result: job-state applies the cancel and refuses the result.
      this.logger.log(`job ${jobId}: its ${type} crossed a cancel that came first`);
      await this.settleCancelled(delivery, created, outcome);
      return;
    }
    // The result was on record before the cancel: job-state refuses the cancel, nothing to revoke.
    await this.ack(delivery.msg);
    this.logger.log(`job ${jobId} ${type} before its cancel arrived`);
  }

  /** Whether the job's cancel is ahead of stream sequence `seq`; when JetStream cannot say, assume it is (a spare revoke record is harmless, a missing one is an alarm). */
  private async cancelPrecedes(jobId: string, seq: number): Promise<boolean> {
    try {
      const stored = await findStoredCancel(this.streams(), jobId);
      return stored === null ? false : stored.seq < seq;
    } catch (error) {
      this.logger.warn(`job ${jobId}: could not read its cancel from ${StreamName.Jobs} (${(error as Error).message})`);
      return true;
    }
  }

  private async settleCancelled(delivery: ActiveDelivery, created: JobCreated, outcome: JobOutcome): Promise<void> {
    const data = revokedData(outcome, this.options.workerId, delivery.pid);
    await this.recordRevoke(delivery, created, data);
    await this.ack(delivery.msg);
    this.logger.log(`job ${created.job_id} revoked: ${data.outcome}${data.signal ? ` by ${data.signal}` : ''} (child ${data.pid}, ${data.took_ms} ms)`);
  }

  /**
   * Publishes `job.revoked`, caused by the cancel event. The run's own publisher is closed
   * first, so no progress still queued or retrying can delay it or land after it; the
   * attempts already sent are ahead of it on the same connection. `started` goes first. It
   * is retried for as long as the worker runs: a revoke that happened must not go
   * unrecorded because NATS was briefly away.
   */
  private async recordRevoke(delivery: ActiveDelivery, created: JobCreated, data: JobRevokedData): Promise<void> {
    const jobId = created.job_id;
    delivery.publisher?.close();
    await delivery.started.catch(() => undefined);
    const publisher = this.publisherFor(jobId);
    const causationId = delivery.cancel?.eventId ?? (await this.storedCancelId(jobId));
    const revoked = makeEvent(JobEventType.Revoked, jobId, this.actor, data, { correlation_id: created.correlation_id, causation_id: causationId });
    // One revoke per cancel, even when two runs of the job (a redelivery) are both revoked for it.
    const event = { ...revoked, id: revokedEventId(jobId, causationId) ?? revoked.id };
    for (;;) {
      try {
        await publisher.publish(event);
        return;
      } catch (error) {
        if (this.stopping) {
          this.logger.error(`REVOKE NOT RECORDED: job.revoked of job ${jobId} could not be published before shutdown (${(error as Error).message})`);
          return;
        }
        this.logger.error(`job.revoked of job ${jobId} not published yet (${(error as Error).message}); trying again`);
        await sleep(REVOKED_REPUBLISH_PAUSE_MS);
      }
    }
  }

  private async storedCancelId(jobId: string): Promise<string | null> {
    try {
      const stored = await findStoredCancel(this.streams(), jobId);
      if (!stored) this.logger.warn(`job ${jobId}: no cancel event in ${StreamName.Jobs}; job.revoked has no causation`);
      return stored?.id ?? null;
    } catch (error) {
      this.logger.warn(`job ${jobId}: could not read its cancel from ${StreamName.Jobs} (${(error as Error).message}); job.revoked has no causation`);
      return null;
    }
  }

  private debug(message: string): void {
    this.logger.debug?.(message);
  }

  private streams(): JetStreamManager {
    if (!this.jsm) throw new Error('the consumer is not started');
    return this.jsm;
  }

  private publisherFor(jobId: string): JobEventPublisher {
    return new JobEventPublisher(this.js, this.options.publishRetry ?? DEFAULT_PUBLISH_RETRY, (event, error) =>
      this.logger.warn(`retrying job.${event.type} of job ${jobId}: ${(error as Error).message}`),
    );
  }

  /** The job's outcome, under the one id all its outcomes share: JetStream keeps the first stored. */
  private publishOutcome<D>(publisher: JobEventPublisher, created: JobCreated, type: TerminalType, data: D): Promise<PubAck> {
    const event = { ...followEvent(created, type, this.actor, data), id: terminalEventId(created.job_id) };
    return publisher.publish(event as EventEnvelope<JobEventType>);
  }

  /**
   * A duplicate PubAck for an outcome: JOBS already held one for this job (another run's, or
   * an earlier try of this very publish whose PubAck was lost); this one was not stored.
   */
  private noteIfAlreadyStored(jobId: string, type: TerminalType, pubAck: PubAck | null): void {
    if (pubAck?.duplicate) this.logger.log(`job ${jobId}: its outcome was already in ${StreamName.Jobs} (seq ${pubAck.seq}); this ${type} was not stored again`);
  }

  private async ack(msg: JsMsg): Promise<void> {
    // A lost ack only means one more delivery, which finds the job settled and skips it.
    const confirmed = await msg.ackAck().catch(() => false);
    if (!confirmed) this.logger.warn(`ack of stream seq ${msg.seq} not confirmed`);
  }
}

/** Acks of any kind fail only when the connection is gone, and then the server redelivers anyway. */
function quietly(action: () => void): void {
  try {
    action();
  } catch {
    // nothing to do: see above
  }
}

function progressData(progress: SolveProgress): JobProgressData {
  return progress.partial_results
    ? { progress: progress.progress, current_phase: progress.current_phase, partial_results: progress.partial_results }
    : { progress: progress.progress, current_phase: progress.current_phase };
}

function parseCreated(msg: JsMsg): JobCreated | null {
  let event: JobCreated;
  try {
    event = msg.json<JobCreated>();
  } catch {
    return null;
  }
  const fromSubject = msg.subject.split('.')[2];
  if (event?.type !== JobEventType.Created || typeof event.id !== 'string' || event.job_id !== fromSubject) return null;
  if (!event.data || typeof event.data.request !== 'object' || event.data.request === null) return null;
  return event;
}
