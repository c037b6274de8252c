/**
 * Takes one delivery of `job.created` from its arrival to the child's outcome: decides from
 * what the worker read in JOBS whether the job may run (DeliveryDecision), keeps its message
 * alive with `working()` meanwhile, hands it to a pool child, publishes `started` and
 * throttled `progress`, and passes the outcome to the OutcomeRecorder.
 *
 * Nothing here waits on job-state: a first delivery of a job nobody cancelled or deleted is
 * decided without a round trip; a redelivered one costs one read of JOBS. While JOBS cannot be
 * read, or a cancel stored while the worker was cut off may still be unread, the job waits
 * here, its message kept alive: a delay never uses up an attempt.
 */
import {
  FailureReason,
  JobEventType,
  followEvent,
  type Actor,
  type JobCompletedData,
  type JobCreated,
  type JobFailedData,
  type JobProgressData,
  type JobStartedData,
} from '@crux/contracts';
import type { JetStreamManager, NatsConnection } from '@crux/messaging';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunningJob } from '../pool/pool-types.js';
import { RunAbortedError, RunDeferredError, type WorkerPool } from '../pool/worker-pool.js';
import type { PoolLogger } from '../pool/pool-types.js';
import type { SolveProgress } from '../solving/progress.js';
import { specFromCreated } from '../solving/solve-spec.js';
import { jobTimeLimits, type TimeLimitSettings } from '../solving/time-limits.js';
import { quietly, type ActiveDelivery } from './active-delivery.js';
import type { CancelRouter } from './cancel-router.js';
import { DeliveryPhase } from './cancel-decision.js';
import { decideDelivery, needsRecord, workerLostMessage } from './delivery-decision.js';
import { fitResult } from './fit-result.js';
import { readJobRecord } from './job-record.js';
import type { JobNotices } from './job-notices.js';
import type { OutcomeRecorder } from './outcome-recorder.js';
import { PublisherClosedError } from './job-event-publisher.js';
import { ProgressThrottle } from './progress-throttle.js';

export interface DeliveryRunnerOptions {
  nc: NatsConnection;
  jsm: JetStreamManager;
  pool: WorkerPool;
  actor: Actor;
  workerId: string;
  maxAttempts: number;
  ackWaitMs: number;
  revokeGraceMs: number;
  retryDelayMs: number;
  progressIntervalMs: number;
  timeLimits?: TimeLimitSettings;
  notices: JobNotices;
  router: CancelRouter;
  recorder: OutcomeRecorder;
  /** True while every cancel stored so far has been read. */
  cancelsLive: () => boolean;
  /** Resolves once every cancel stored so far has been read. */
  cancelsRead: () => Promise<void>;
  stopping: () => boolean;
  /** Aborted when the worker stops: waits end. */
  stopSignal: AbortSignal;
  /** Runs of the last jobs, for taking jobs ahead while runs are short. */
  noteRunTime: (ms: number) => void;
  logger: PoolLogger;
}

export class DeliveryRunner {
  constructor(private readonly o: DeliveryRunnerOptions) {}

  /** Handles the delivery until its message is settled or handed back; `release` frees its place in the pull count once a child has it (or it is let go). */
  async handle(delivery: ActiveDelivery, release: () => void): Promise<void> {
    const { msg } = delivery;
    // JetStream must hear from us well inside ack_wait for as long as we hold the message,
    // including while the job waits and while a cancelled job's child is killed.
    const heartbeat = setInterval(() => quietly(() => msg.working()), Math.max(250, Math.floor(this.o.ackWaitMs / 4)));
    try {
      const created = parseCreated(msg.subject, () => msg.json<JobCreated>());
      if (!created) {
        this.o.logger.error(`dropping a malformed job.created message (stream seq ${msg.seq}) on ${msg.subject}`);
        msg.term();
        return;
      }
      delivery.jobId = created.job_id;
      const heard = this.o.notices.cancelOf(created.job_id);
      if (heard) this.o.router.cancel(delivery, heard);
      const decision = await this.decide(delivery);
      if (!decision) return;
      switch (decision.action) {
        case 'skip':
          this.o.logger.log(`not running job ${created.job_id} (delivery ${msg.deliveryCount}): ${decision.why}`);
          this.o.recorder.ack(msg);
          return;
        case 'fail-lost':
          await this.o.recorder.fail(delivery, created, {
            error: workerLostMessage(decision.starts),
            reason: FailureReason.WorkerLost,
          } satisfies JobFailedData);
          return;
        case 'run':
          if (this.o.stopping()) {
            msg.nak();
            this.o.logger.log(`handed job ${created.job_id} back to the queue at shutdown before it started`);
            return;
          }
          await this.run(delivery, created, release);
          return;
        default: {
          const unknown: never = decision;
          throw new Error(`unhandled delivery decision ${JSON.stringify(unknown)}`);
        }
      }
    } catch (error) {
      if (delivery.cancel) {
        // Never redelivered: the job is cancelled.
        this.o.logger.error(`job ${delivery.jobId} (stream seq ${msg.seq}), cancelled: ${(error as Error).message}; letting it go`);
        quietly(() => msg.term());
      } else {
        this.o.logger.error(`job ${delivery.jobId} (stream seq ${msg.seq}): ${(error as Error).message}; handing it back to the queue`);
        if (!delivery.abandoned) quietly(() => msg.nak(this.o.retryDelayMs));
      }
    } finally {
      clearInterval(heartbeat);
      release();
    }
  }

  /** The decision, once it can be made; null when the worker stopped first (the message is handed back). */
  private async decide(delivery: ActiveDelivery) {
    const { msg } = delivery;
    for (let waits = 0; ; waits++) {
      const deletion = this.o.notices.deletionOf(delivery.jobId);
      const record =
        !delivery.cancel && needsRecord(msg.deliveryCount, deletion !== null) ? await readJobRecord(this.o.jsm, delivery.jobId) : undefined;
      const decision = decideDelivery({
        deliveryCount: msg.deliveryCount,
        maxAttempts: this.o.maxAttempts,
        cancelHeard: delivery.cancel !== null,
        deletionHeard: deletion !== null,
        record,
      });
      if (decision.action !== 'wait') return decision;
      if (waits === 0) this.o.logger.warn(`job ${delivery.jobId} waits: ${decision.why}`);
      if (!(await this.pause()) || delivery.abandoned) {
        if (!delivery.abandoned) quietly(() => msg.nak());
        return null;
      }
    }
  }

  /** Waits the retry delay; false when the worker began to stop. */
  private async pause(): Promise<boolean> {
    if (this.o.stopping()) return false;
    await sleep(this.o.retryDelayMs, undefined, { signal: this.o.stopSignal }).catch(() => undefined);
    return !this.o.stopping();
  }

  private async run(delivery: ActiveDelivery, created: JobCreated, release: () => void): Promise<void> {
    const jobId = created.job_id;
    const attempt = delivery.msg.deliveryCount;
    const recorder = this.o.recorder;
    const publisher = recorder.publisherFor(jobId);
    delivery.publisher = publisher;
    const throttle = new ProgressThrottle<SolveProgress>(this.o.progressIntervalMs, (progress) => {
      publisher.publish(followEvent(created, JobEventType.Progress, this.o.actor, progressData(progress))).catch((error: unknown) => {
        if (!(error instanceof PublisherClosedError))
          this.o.logger.warn(`progress of job ${jobId} not published: ${(error as Error).message}`);
      });
    });
    delivery.throttle = throttle;
    delivery.phase = DeliveryPhase.Starting;

    const spec = specFromCreated(jobId, created.data);
    const limits = this.o.timeLimits;
    const hardLimit = limits ? { ms: jobTimeLimits(spec.request, limits).hardMs, graceMs: this.o.revokeGraceMs } : undefined;
    let startedAt = 0;
    const handlers = {
      onStart: (pid: number) => {
        // From here a cancel kills this child.
        delivery.phase = DeliveryPhase.Running;
        delivery.pid = pid;
        startedAt = Date.now();
        release();
        const data: JobStartedData = { worker_id: this.o.workerId, pid, attempt };
        // Queued before any progress can arrive, so `started` is always first.
        delivery.started = publisher.publish(followEvent(created, JobEventType.Started, this.o.actor, data));
      },
      onProgress: (progress: SolveProgress) => {
        if (!delivery.cancel) throttle.offer(progress);
      },
    };
    // A cancel stored while the worker was cut off may not be read yet: such a job waits for it.
    const mayStart = () => this.o.cancelsLive();
    let running: RunningJob | null = null;
    while (!running) {
      try {
        running = await this.o.pool.run(spec, handlers, {
          signal: delivery.withdraw.signal,
          mayStart,
          progressIntervalMs: this.o.progressIntervalMs,
          hardLimit,
        });
      } catch (error) {
        if (error instanceof RunDeferredError) {
          this.o.logger.warn(`job ${jobId} waits: cancels stored while this worker was cut off from NATS are still being read`);
          await Promise.race([
            this.o.cancelsRead(),
            sleep(this.o.retryDelayMs, undefined, { signal: this.o.stopSignal }).catch(() => undefined),
          ]);
          continue;
        }
        if (!(error instanceof RunAbortedError)) throw error;
        if (delivery.cancel) {
          this.o.logger.log(`not running job ${jobId}: cancelled while it waited for a child`);
          recorder.ack(delivery.msg);
        } else if (!delivery.abandoned) {
          // Withdrawn at shutdown.
          delivery.msg.nak();
          this.o.logger.log(`handed job ${jobId} back to the queue at shutdown before it started`);
        }
        return;
      }
    }
    this.o.logger.debug?.(`running job ${jobId} (attempt ${attempt}) in child ${running.pid}`);

    // Without `started` on record job-state would refuse every later event of this run.
    const startedOk = await delivery.started.then(
      () => true,
      (error: unknown) => {
        this.o.logger.error(`job ${jobId}: job.started not published (${(error as Error).message})`);
        return false;
      },
    );
    if (!startedOk) {
      throttle.cancel();
      const outcome = await this.o.pool.revoke(jobId, 0);
      if (delivery.abandoned) return;
      if (delivery.cancel) await recorder.settleCancelled(delivery, created, { kind: 'revoked', revoke: outcome });
      else delivery.msg.nak(this.o.retryDelayMs);
      return;
    }

    const outcome = await running.outcome;
    // `completed` and `failed` set progress and the final phase: an update still held back would only repeat them.
    throttle.cancel();
    if (outcome.kind === 'completed' || outcome.kind === 'failed') this.o.noteRunTime(Date.now() - startedAt);
    if (delivery.abandoned) return;
    delivery.phase = DeliveryPhase.Finishing;
    if (delivery.cancel) {
      await recorder.settleCancelled(delivery, created, outcome);
      return;
    }
    switch (outcome.kind) {
      case 'completed':
        await recorder.finish(delivery, created, publisher, outcome, JobEventType.Completed, {
          result: fitResult(outcome.result, this.o.nc.info?.max_payload ?? 1024 * 1024),
        } satisfies JobCompletedData);
        return;
      case 'failed':
        await recorder.finish(delivery, created, publisher, outcome, JobEventType.Failed, {
          error: outcome.error,
          reason: outcome.reason,
        } satisfies JobFailedData);
        if (!delivery.cancel) this.o.logger.log(`job ${jobId} failed: ${outcome.error}`);
        return;
      case 'lost':
        this.o.logger.warn(`job ${jobId} lost its child ${outcome.pid} (signal ${outcome.signal}, code ${outcome.code}); redelivering`);
        delivery.msg.nak();
        return;
      case 'revoked':
        // Only a cancel revokes a job, and a cancelled job was settled above.
        this.o.logger.error(`job ${jobId} was revoked without a cancel; letting it go`);
        recorder.ack(delivery.msg);
        return;
      default: {
        const unknown: never = outcome;
        throw new Error(`unhandled job outcome ${JSON.stringify(unknown)}`);
      }
    }
  }
}

function progressData(progress: SolveProgress): JobProgressData {
  return progress.partial_results
    ? { progress: progress.progress, current_phase: progress.current_phase, partial_results: progress.partial_results }
    : { progress: progress.progress, current_phase: progress.current_phase };
}

function parseCreated(subject: string, read: () => JobCreated): JobCreated | null {
  let event: JobCreated;
  try {
    event = read();
  } catch {
    return null;
  }
  const fromSubject = subject.split('.')[2];
  if (event?.type !== JobEventType.Created || typeof event.id !== 'string' || event.job_id !== fromSubject) return null;
  if (!event.data || typeof event.data.request !== 'object' || event.data.request === null) return null;
  return event;
}
