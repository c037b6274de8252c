/**
 * The worker's side of the work queue: pulls `job.created` from the durable `workers`
 * consumer, never more messages than it has free children, and turns each into a run in
 * the pool and the job's events (`started`, `progress`…, `completed` | `failed`).
 *
 * A message is acknowledged only after the event that settles the job has its PubAck, and
 * kept alive with `working()` while the job runs, so a worker that dies at any point
 * leaves the job to be redelivered to another.
 */
import {
  ConsumerName,
  FailureReason,
  JobEventType,
  StreamName,
  Subjects,
  followEvent,
  isJobStatus,
  serviceActor,
  type Actor,
  type EventEnvelope,
  type GetJobRequest,
  type JobCompletedData,
  type JobCreated,
  type JobFailedData,
  type JobProgressData,
  type JobRevokedData,
  type JobStartedData,
  type JobView,
} from '@crux/contracts';
import { jetstream, requestJson, type JetStreamClient, type JsMsg, type NatsConnection } from '@crux/messaging';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PoolLogger } from '../pool/pool-types.js';
import type { WorkerPool } from '../pool/worker-pool.js';
import type { SolveProgress } from '../solving/progress.js';
import { specFromCreated } from '../solving/solve-spec.js';
import { decideDelivery, workerLostMessage, type StateLookup } from './delivery-decision.js';
import { fitResult } from './fit-result.js';
import { DEFAULT_PUBLISH_RETRY, JobEventPublisher, type PublishRetry } from './job-event-publisher.js';
import { ProgressThrottle } from './progress-throttle.js';

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
  /** Redelivery delay when job-state cannot be asked. @defaultValue 2000 */
  retryDelayMs?: number;
  /** Shortest gap between two progress events of one job. @defaultValue 100 */
  progressIntervalMs?: number;
  /** How long one pull waits for messages. @defaultValue 2000 */
  fetchExpiresMs?: number;
  publishRetry?: PublishRetry;
  logger?: PoolLogger;
}

interface ActiveDelivery {
  jobId: string;
  msg: JsMsg;
  /** Set at shutdown once the message has been handed back; the job's outcome is then ignored. */
  abandoned: boolean;
  done: Promise<void>;
}

const silent: PoolLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

export class JobConsumer {
  private readonly js: JetStreamClient;
  private readonly actor: Actor;
  private readonly logger: PoolLogger;
  private readonly active = new Map<JsMsg, ActiveDelivery>();
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
  }

  /** Jobs this worker holds now. */
  get activeJobs(): string[] {
    return [...this.active.values()].map((a) => a.jobId);
  }

  /** Starts pulling. The JOBS stream and the `workers` consumer must exist. */
  async start(): Promise<void> {
    const consumer = await this.js.consumers.get(StreamName.Jobs, ConsumerName.Workers);
    this.unsubscribeIdle = this.options.pool.onIdle(() => this.wakeLoop());
    this.loopDone = this.pullLoop(consumer);
  }

  /**
   * Stops pulling, lets running jobs finish for up to `graceMs`, and hands the rest back
   * to the queue (nak) so another worker runs them at once. The pool is closed by the caller.
   */
  async stop(graceMs: number): Promise<void> {
    if (this.stopping) return this.loopDone;
    this.stopping = true;
    this.wakeLoop();
    const running = [...this.active.values()];
    const ac = new AbortController();
    await Promise.race([Promise.all(running.map((a) => a.done)), sleep(graceMs, undefined, { signal: ac.signal }).catch(() => undefined)]);
    ac.abort();
    for (const delivery of this.active.values()) {
      delivery.abandoned = true;
      quietly(() => delivery.msg.nak());
      this.logger.log(`handed job ${delivery.jobId} back to the queue at shutdown`);
    }
    this.unsubscribeIdle();
    await this.loopDone;
  }

  /** Resolves once every job this worker held has been settled or handed back. */
  async idle(): Promise<void> {
    await Promise.all([...this.active.values()].map((a) => a.done));
  }

  private async pullLoop(consumer: Awaited<ReturnType<JetStreamClient['consumers']['get']>>): Promise<void> {
    while (!this.stopping) {
      const free = this.options.pool.idleCount - this.reserved;
      if (free <= 0) {
        await new Promise<void>((resolve) => (this.wakeLoop = resolve));
        continue;
      }
      try {
        const batch = await consumer.fetch({ max_messages: free, expires: this.options.fetchExpiresMs ?? 2000 });
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

  private track(msg: JsMsg): void {
    const delivery: ActiveDelivery = { jobId: '?', msg, abandoned: false, done: Promise.resolve() };
    this.active.set(msg, delivery);
    delivery.done = this.handle(delivery)
      .catch((error: unknown) => this.logger.error(`job ${delivery.jobId}: ${(error as Error).message}`))
      .finally(() => this.active.delete(msg));
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
    // including while we wait for job-state.
    const heartbeat = setInterval(() => quietly(() => msg.working()), Math.max(250, Math.floor(this.options.ackWaitMs / 4)));
    try {
      const created = parseCreated(msg);
      if (!created) {
        this.logger.error(`dropping a malformed job.created message (stream seq ${msg.seq}) on ${msg.subject}`);
        msg.term();
        return;
      }
      delivery.jobId = created.job_id;
      const attempt = msg.info.deliveryCount;
      const state = await this.lookup(created.job_id);
      const decision = decideDelivery({ deliveryCount: attempt, maxAttempts: this.options.maxAttempts, state });
      switch (decision.action) {
        case 'skip': {
          if (decision.revoked) {
            await this.publish(created, JobEventType.Revoked, {
              terminated: false,
              outcome: 'not-started',
              signal: null,
              pid: null,
              worker_id: this.options.workerId,
              took_ms: 0,
            } satisfies JobRevokedData);
          }
          this.logger.log(`not running job ${created.job_id}: ${decision.why}`);
          await this.ack(msg);
          return;
        }
        case 'fail-lost':
          await this.publish(created, JobEventType.Failed, {
            error: workerLostMessage(decision.previousAttempts),
            reason: FailureReason.WorkerLost,
          } satisfies JobFailedData);
          await this.ack(msg);
          return;
        case 'retry-later':
          this.logger.warn(`job ${created.job_id} waits: job-state cannot say whether it may run (${decision.why})`);
          msg.nak(this.options.retryDelayMs ?? 2000);
          return;
        case 'run':
          if (this.stopping) {
            msg.nak();
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
      this.logger.error(`job ${delivery.jobId} (stream seq ${msg.seq}): ${(error as Error).message}; handing it back to the queue`);
      if (!delivery.abandoned) quietly(() => msg.nak(this.options.retryDelayMs ?? 2000));
    } finally {
      clearInterval(heartbeat);
      release();
    }
  }

  private async run(delivery: ActiveDelivery, created: JobCreated, attempt: number, release: () => void): Promise<void> {
    const publisher = this.publisherFor(created.job_id);
    let started: Promise<unknown> = Promise.resolve();
    const throttle = new ProgressThrottle<SolveProgress>(this.options.progressIntervalMs ?? 100, (progress) => {
      publisher.publish(followEvent(created, JobEventType.Progress, this.actor, progressData(progress))).catch((error: unknown) => {
        this.logger.warn(`progress of job ${created.job_id} not published: ${(error as Error).message}`);
      });
    });

    const running = await this.options.pool.run(specFromCreated(created.job_id, created.data), {
      onStart: (pid) => {
        release();
        const data: JobStartedData = { worker_id: this.options.workerId, pid, attempt };
        // Queued before any progress can arrive, so `started` is always first.
        started = publisher.publish(followEvent(created, JobEventType.Started, this.actor, data));
      },
      onProgress: (progress) => throttle.offer(progress),
    });
    this.logger.log(`running job ${created.job_id} (attempt ${attempt}) in child ${running.pid}`);

    // Without `started` on record job-state would refuse every later event of this run.
    const startedOk = await started.then(
      () => true,
      (error: unknown) => {
        this.logger.error(`job ${created.job_id}: job.started not published (${(error as Error).message})`);
        return false;
      },
    );
    if (!startedOk) {
      throttle.cancel();
      await this.options.pool.revoke(created.job_id, 0);
      if (!delivery.abandoned) delivery.msg.nak(this.options.retryDelayMs ?? 2000);
      return;
    }

    const outcome = await running.outcome;
    if (delivery.abandoned) {
      throttle.cancel();
      return;
    }
    switch (outcome.kind) {
      case 'completed':
        throttle.flush();
        await this.publishWith(publisher, created, JobEventType.Completed, {
          result: fitResult(outcome.result, this.options.nc.info?.max_payload ?? 1024 * 1024),
        } satisfies JobCompletedData);
        await this.ack(delivery.msg);
        this.logger.log(`job ${created.job_id} completed`);
        return;
      case 'failed':
        throttle.cancel();
        await this.publishWith(publisher, created, JobEventType.Failed, { error: outcome.error, reason: outcome.reason } satisfies JobFailedData);
        await this.ack(delivery.msg);
        this.logger.log(`job ${created.job_id} failed: ${outcome.error}`);
        return;
      case 'lost':
        throttle.cancel();
        this.logger.warn(`job ${created.job_id} lost its child ${outcome.pid} (signal ${outcome.signal}, code ${outcome.code}); redelivering`);
        delivery.msg.nak();
        return;
      case 'revoked':
        // Revoked on cancel: the cancel path records job.revoked; nothing is to be run again.
        throttle.cancel();
        await this.ack(delivery.msg);
        return;
      default: {
        const unknown: never = outcome;
        throw new Error(`unhandled job outcome ${JSON.stringify(unknown)}`);
      }
    }
  }

  private async lookup(jobId: string): Promise<StateLookup> {
    try {
      const reply = await requestJson<GetJobRequest, JobView>(this.options.nc, Subjects.stateGet, { job_id: jobId }, this.options.requestTimeoutMs);
      if (reply.ok) {
        return isJobStatus(reply.value?.status) ? { kind: 'found', status: reply.value.status } : { kind: 'unavailable', detail: 'job-state sent a job without a status' };
      }
      if (reply.error.status_code === 404) return { kind: 'not-found' };
      if (reply.error.status_code === 410) return { kind: 'gone' };
      return { kind: 'unavailable', detail: `job-state answered ${reply.error.status_code}: ${reply.error.message}` };
    } catch (error) {
      return { kind: 'unavailable', detail: (error as Error).message };
    }
  }

  private publisherFor(jobId: string): JobEventPublisher {
    return new JobEventPublisher(this.js, this.options.publishRetry ?? DEFAULT_PUBLISH_RETRY, (event, error) =>
      this.logger.warn(`retrying job.${event.type} of job ${jobId}: ${(error as Error).message}`),
    );
  }

  private publish<T extends JobEventType, D>(created: JobCreated, type: T, data: D): Promise<unknown> {
    return this.publishWith(this.publisherFor(created.job_id), created, type, data);
  }

  private publishWith<T extends JobEventType, D>(publisher: JobEventPublisher, created: JobCreated, type: T, data: D): Promise<unknown> {
    return publisher.publish(followEvent(created, type, this.actor, data) as EventEnvelope<JobEventType>);
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
