/**
 * Connects the worker's pool to the workers queue: it follows the cancels and deletions in
 * JOBS, asks the queue for as many jobs as the pool has room for, and gives each job it
 * receives to the DeliveryRunner.
 *
 * Every worker reads every `job.cancel.*` and `job.deleted.*` in JOBS, from the queue's ack
 * floor at start on (EventFollower), so it knows of every cancel and deletion of any job the
 * queue can hand it, including those stored while it was cut off from NATS: it never asks
 * job-state. Jobs are taken ahead of free children only while runs are short (a job taken
 * ahead waits for a child of this worker while another worker may be free).
 */
import { JobEventType, serviceActor, StreamName, ConsumerName } from '@crux/contracts';
import { jetstreamManager, PubAckInbox, publishJobEvent, SendTurn, type JetStreamManager, type NatsConnection } from '@crux/messaging';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PoolLogger } from '../pool/pool-types.js';
import type { WorkerPool } from '../pool/worker-pool.js';
import type { TimeLimitSettings } from '../solving/time-limits.js';
import { newDelivery, quietly, type ActiveDelivery } from './active-delivery.js';
import { DeliveryPhase } from './cancel-decision.js';
import { CancelRouter } from './cancel-router.js';
import { DeliveryRunner } from './delivery-runner.js';
import { EventFollower, type HeardEvent } from './event-follower.js';
import type { PublishRetry } from './job-event-publisher.js';
import { JobNotices } from './job-notices.js';
import { OutcomeRecorder } from './outcome-recorder.js';
import { RecentRuns } from './recent-runs.js';
import type { WorkMessage } from './work-message.js';
import { WorkPuller } from './work-puller.js';

export interface JobConsumerOptions {
  nc: NatsConnection;
  pool: WorkerPool;
  workerId: string;
  /** CRUX_MAX_ATTEMPTS: runs of a job that may begin and not end before it fails as `worker_lost`. */
  maxAttempts: number;
  /** CRUX_ACK_WAIT_MS: `working()` is sent well inside it. */
  ackWaitMs: number;
  /** CRUX_REVOKE_GRACE_MS: SIGTERM → SIGKILL on a cancelled job's child. */
  revokeGraceMs: number;
  /** How long a job waits before JOBS is read again, and the redelivery delay of a job handed back after a failure. @defaultValue 2000 */
  retryDelayMs?: number;
  /** Shortest gap between two progress events of one job; none is published before the first gap. @defaultValue 100 */
  progressIntervalMs?: number;
  /** How long one pull request waits on the server. @defaultValue 30000 */
  pullExpiresMs?: number;
  /** The server's heartbeat while a pull request waits. @defaultValue 5000 */
  pullHeartbeatMs?: number;
  /** Most jobs taken ahead of free children while runs are short. @defaultValue the pool's size */
  prefetch?: number;
  /**
   * Jobs are taken ahead only while recent runs took less than this (their median): a job taken
   * ahead waits for a child of this worker while another worker may be free, and that wait
   * must stay short. @defaultValue 50
   */
  prefetchBelowMs?: number;
  /** How often entries for jobs the queue can no longer deliver are forgotten. @defaultValue 60000 */
  forgetEveryMs?: number;
  publishRetry?: PublishRetry;
  logger?: PoolLogger;
  /**
   * CRUX_SOFT_TIME_LIMIT_S and CRUX_HARD_TIME_LIMIT_S: a job still running at its hard limit
   * (a request may ask for a lower one) is killed like a revoke and fails with reason
   * `time_limit`. The soft limit is the child's business. Unset: no hard limit.
   */
  timeLimits?: TimeLimitSettings;
}

const silent: PoolLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

export class JobConsumer {
  private readonly logger: PoolLogger;
  private readonly active = new Set<ActiveDelivery>();
  private readonly notices = new JobNotices();
  private readonly router: CancelRouter;
  private readonly cancels: EventFollower;
  private readonly deletions: EventFollower;
  private readonly puller: WorkPuller;
  private readonly stopAbort = new AbortController();
  private runner: DeliveryRunner | undefined;
  private pubAcks: PubAckInbox | undefined;
  private jsm: JetStreamManager | undefined;
  /** How long recent runs took: jobs are taken ahead only while they are short. */
  private readonly recentRuns = new RecentRuns();
  /** The turn's publishes, acks and pull request share one socket write. */
  private readonly sends = new SendTurn();
  /** A pull request is already due at the end of this turn. */
  private askDue = false;
  /** Jobs received that have not yet been given a child (or let go). */
  private reserved = 0;
  private stopping = false;
  private forgetTimer: NodeJS.Timeout | undefined;
  private unsubscribeIdle: () => void = () => undefined;

  constructor(private readonly options: JobConsumerOptions) {
    this.logger = options.logger ?? silent;
    this.router = new CancelRouter(options.pool, options.revokeGraceMs, this.logger);
    this.cancels = new EventFollower(options.nc, JobEventType.Cancel, (e) => this.heardCancel(e), this.logger);
    this.deletions = new EventFollower(options.nc, JobEventType.Deleted, (e) => this.notices.heardDeletion(e), this.logger);
    this.puller = new WorkPuller(
      options.nc,
      (msg) => this.received(msg),
      () => this.askForWork(),
      {
        expiresMs: options.pullExpiresMs,
        heartbeatMs: options.pullHeartbeatMs,
        logger: this.logger,
      },
    );
  }

  /** Jobs this worker holds now. */
  get activeJobs(): string[] {
    return [...this.active].map((a) => a.jobId);
  }

  /**
   * Reads the cancels and deletions stored since the queue's ack floor, then starts asking
   * for jobs. The JOBS stream and the `workers` consumer must exist.
   */
  async start(): Promise<void> {
    const o = this.options;
    this.jsm = await jetstreamManager(o.nc);
    const floor = await this.ackFloor();
    await Promise.all([this.cancels.start(floor + 1), this.deletions.start(floor + 1)]);
    const pubAcks = new PubAckInbox(o.nc);
    this.pubAcks = pubAcks;
    const recorder = new OutcomeRecorder({
      publish: (event) => publishJobEvent(pubAcks, event),
      actor: serviceActor(o.workerId),
      workerId: o.workerId,
      publishRetry: o.publishRetry,
      logger: this.logger,
      cancelsRead: () => this.cancels.untilLive(),
      stopping: () => this.stopping,
      retireChild: (pid, jobId) => o.pool.retire(pid, o.revokeGraceMs, `job ${jobId}, cancelled after its child finished it`),
      sends: this.sends,
    });
    this.runner = new DeliveryRunner({
      nc: o.nc,
      jsm: this.jsm,
      pool: o.pool,
      actor: serviceActor(o.workerId),
      workerId: o.workerId,
      maxAttempts: o.maxAttempts,
      ackWaitMs: o.ackWaitMs,
      revokeGraceMs: o.revokeGraceMs,
      retryDelayMs: o.retryDelayMs ?? 2000,
      progressIntervalMs: o.progressIntervalMs ?? 100,
      timeLimits: o.timeLimits,
      notices: this.notices,
      router: this.router,
      recorder,
      cancelsLive: () => this.cancels.live && this.deletions.live,
      cancelsRead: async () => {
        await Promise.all([this.cancels.untilLive(), this.deletions.untilLive()]);
      },
      stopping: () => this.stopping,
      stopSignal: this.stopAbort.signal,
      noteRunTime: (ms) => this.recentRuns.note(ms),
      logger: this.logger,
    });
    this.forgetTimer = setInterval(() => void this.forgetSettled(), o.forgetEveryMs ?? 60_000);
    this.puller.start();
    this.unsubscribeIdle = o.pool.onIdle(() => this.askForWork());
    this.askForWork();
  }

  /**
   * Stops asking for jobs, lets running jobs finish for up to `graceMs`, and hands the rest
   * back to the queue (nak) so another worker runs them at once. A cancelled job is never
   * handed back: it settles once its child is gone. The pool is closed by the caller.
   */
  async stop(graceMs: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.stopAbort.abort();
    this.puller.stop();
    clearInterval(this.forgetTimer);
    // Jobs taken ahead that no child has yet are handed back at once, not run during the grace.
    for (const delivery of this.active) if (delivery.phase === DeliveryPhase.Starting && !delivery.cancel) delivery.withdraw.abort();
    const ac = new AbortController();
    await Promise.race([
      Promise.all([...this.active].map((a) => a.done)),
      sleep(graceMs, undefined, { signal: ac.signal }).catch(() => undefined),
    ]);
    ac.abort();
    for (const delivery of this.active) {
      if (delivery.cancel) continue;
      delivery.abandoned = true;
      quietly(() => delivery.msg.nak());
      this.logger.log(`handed job ${delivery.jobId} back to the queue at shutdown`);
    }
    this.unsubscribeIdle();
  }

  /** Resolves once every job this worker held has been settled or handed back; then stops reading cancels. */
  async idle(): Promise<void> {
    await Promise.all([...this.active].map((a) => a.done));
    await Promise.all([this.cancels.stop(), this.deletions.stop()]);
    this.pubAcks?.close();
  }

  /**
   * Asks for the room the worker has, once at the end of the turn: the children and the jobs
   * that came free in one turn make one pull request, sent with the turn's other messages.
   */
  private askForWork(): void {
    if (this.stopping || this.askDue) return;
    this.askDue = true;
    this.sends.later(() => {
      this.askDue = false;
      if (this.stopping) return;
      this.puller.want(this.options.pool.idleCount + this.aheadNow() - this.reserved);
    });
  }

  /** How many jobs to take ahead of free children now. */
  private aheadNow(): number {
    const typical = this.recentRuns.typicalMs();
    const short = typical !== null && typical < (this.options.prefetchBelowMs ?? 50);
    return short ? (this.options.prefetch ?? this.options.pool.size) : 0;
  }

  private received(msg: WorkMessage): void {
    if (this.stopping || !this.runner) {
      // Arrived as the worker began to stop: give it straight back.
      quietly(() => msg.nak());
      return;
    }
    this.reserved++;
    const delivery = newDelivery(msg, DeliveryPhase.Deciding);
    let reserved = true;
    const release = () => {
      if (!reserved) return;
      reserved = false;
      this.reserved--;
      this.askForWork();
    };
    this.active.add(delivery);
    delivery.done = this.runner
      .handle(delivery, release)
      .catch((error: unknown) => this.logger.error(`job ${delivery.jobId}: ${(error as Error).message}`))
      .finally(() => this.active.delete(delivery));
  }

  /** Synchronous from the event to the signal, so the child is signalled in the turn of the event loop that delivered the cancel. */
  private heardCancel(event: HeardEvent): void {
    this.notices.heardCancel(event);
    for (const delivery of this.active) {
      if (delivery.jobId === event.jobId) this.router.cancel(delivery, { eventId: event.eventId, seq: event.seq });
    }
  }

  private async ackFloor(): Promise<number> {
    const info = await this.jsm!.consumers.info(StreamName.Jobs, ConsumerName.Workers);
    return info.ack_floor.stream_seq;
  }

  private async forgetSettled(): Promise<void> {
    try {
      this.notices.forgetThrough(await this.ackFloor());
    } catch (error) {
      this.logger.warn(`reading the queue's ack floor failed: ${(error as Error).message}`);
    }
  }
}
