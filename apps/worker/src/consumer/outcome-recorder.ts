/**
 * Records how a delivery ended in JOBS and settles its message: the job's outcome
 * (`completed` or `failed`, under the one id all its outcomes share, so JetStream keeps the
 * first stored), or `job.revoked` for a cancelled job once its child is gone (under one id
 * per cancel). A message is acknowledged only after the event that settles the job has its
 * PubAck, so a worker that dies at any point leaves the job to be redelivered.
 */
import {
  followEvent,
  makeEvent,
  StreamName,
  type Actor,
  type EventEnvelope,
  type JobCreated,
  type JobEventType,
  type JobRevokedData,
} from '@crux/contracts';
import { SEND_NOW, type PubAck, type Sends } from '@crux/messaging';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobOutcome, PoolLogger, RevokeResult } from '../pool/pool-types.js';
import type { ActiveDelivery, CancelNotice } from './active-delivery.js';
import { revokedData } from './cancel-decision.js';
import {
  DEFAULT_PUBLISH_RETRY,
  JobEventPublisher,
  PublisherClosedError,
  type PublishOne,
  type PublishRetry,
} from './job-event-publisher.js';
import { revokedEventId, terminalEventId, type TerminalType } from './terminal-event.js';
import type { WorkMessage } from './work-message.js';

/** Pause between rounds of publishing a `job.revoked` that will not go out: it is never given up while the worker runs. */
const REVOKED_REPUBLISH_PAUSE_MS = 1000;

export interface OutcomeRecorderOptions {
  /** How one event goes to JOBS (publishJobEvent through a PubAckInbox). */
  publish: PublishOne;
  actor: Actor;
  workerId: string;
  publishRetry?: PublishRetry;
  logger: PoolLogger;
  /** Resolves once every cancel stored so far has been read (so none can be missed). */
  cancelsRead: () => Promise<void>;
  /** True once the worker is stopping: a revoke that cannot be published is then given up, loudly. */
  stopping: () => boolean;
  /** Stops the (idle) child `pid` that finished the cancelled job `jobId`; resolves once it is gone (WorkerPool.retire). */
  retireChild: (pid: number, jobId: string) => Promise<RevokeResult>;
  /** When publishes and acks go on the wire: with the other sends of their turn (SendTurn). @defaultValue at once */
  sends?: Sends;
}

export class OutcomeRecorder {
  constructor(private readonly options: OutcomeRecorderOptions) {}

  publisherFor(jobId: string): JobEventPublisher {
    return new JobEventPublisher(
      this.options.publish,
      this.options.publishRetry ?? DEFAULT_PUBLISH_RETRY,
      (event, error) => this.options.logger.warn(`retrying job.${event.type} of job ${jobId}: ${(error as Error).message}`),
      this.options.sends,
    );
  }

  /** Records a completed or failed run, unless the job turns out to be cancelled first. */
  async finish<D>(
    delivery: ActiveDelivery,
    created: JobCreated,
    publisher: JobEventPublisher,
    outcome: JobOutcome,
    type: TerminalType,
    data: D,
  ): Promise<void> {
    const jobId = created.job_id;
    // A cancel stored while this worker was cut off is read first: the job may be cancelled.
    await this.options.cancelsRead();
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
    // Set meanwhile by the cancel router, if a cancel came while the outcome was being sent.
    const cancel = delivery.cancel as CancelNotice | null;
    if (!cancel) {
      this.noteIfAlreadyStored(jobId, type, pubAck);
      this.ack(delivery.msg);
      this.options.logger.debug?.(`job ${jobId} ${type}`);
      return;
    }
    if (pubAck === null || cancel.seq < pubAck.seq) {
      // The cancel crossed the result: job-state applies the cancel and refuses the result.
      this.options.logger.log(`job ${jobId}: its ${type} crossed a cancel that came first`);
      await this.settleCancelled(delivery, created, outcome);
      return;
    }
    // The result was on record before the cancel: job-state refuses the cancel, nothing to revoke.
    this.ack(delivery.msg);
    this.options.logger.log(`job ${jobId} ${type} before its cancel arrived`);
  }

  /** Records `failed` (reason given in `data`) for a job that did not run this time, and settles it. */
  async fail<D>(delivery: ActiveDelivery, created: JobCreated, data: D): Promise<void> {
    const pubAck = await this.publishOutcome(this.publisherFor(created.job_id), created, 'failed', data);
    this.noteIfAlreadyStored(created.job_id, 'failed', pubAck);
    this.ack(delivery.msg);
  }

  /**
   * Records `job.revoked` once the job's child is gone, and settles the message. A child that
   * finished the job before this worker read its cancel (a cancel stored while the worker was
   * frozen or busy, read after the child's result) ran a job that JOBS shows cancelled while
   * running: it is stopped like any revoked child, unless it has taken another job meanwhile.
   */
  async settleCancelled(delivery: ActiveDelivery, created: JobCreated, outcome: JobOutcome): Promise<void> {
    const finished = outcome.kind === 'completed' || outcome.kind === 'failed';
    const stopped: JobOutcome =
      finished && delivery.pid !== null
        ? { kind: 'revoked', revoke: await this.options.retireChild(delivery.pid, created.job_id) }
        : outcome;
    const data = revokedData(stopped, this.options.workerId, delivery.pid);
    await this.recordRevoke(delivery, created, data);
    this.ack(delivery.msg);
    this.options.logger.log(
      `job ${created.job_id} revoked: ${data.outcome}${data.signal ? ` by ${data.signal}` : ''} (child ${data.pid}, ${data.took_ms} ms)`,
    );
  }

  /** Settled: the queue forgets the job. A lost ack only means one more delivery, which finds the job settled in JOBS and skips it. */
  ack(msg: WorkMessage): void {
    (this.options.sends ?? SEND_NOW).later(() => {
      try {
        msg.ack();
      } catch (error) {
        this.options.logger.warn(
          `ack of stream seq ${msg.seq} not sent (${(error as Error).message}); the job will be delivered again and skipped`,
        );
      }
    });
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
    const causationId = delivery.cancel?.eventId ?? null;
    const event = makeEvent('revoked', jobId, this.options.actor, data, {
      correlation_id: created.correlation_id,
      causation_id: causationId,
      // One revoke per cancel, even when two runs of the job (a redelivery) are both revoked for it.
      id: revokedEventId(jobId, causationId) ?? undefined,
    });
    for (;;) {
      try {
        await publisher.publish(event);
        return;
      } catch (error) {
        if (this.options.stopping()) {
          this.options.logger.error(
            `REVOKE NOT RECORDED: job.revoked of job ${jobId} could not be published before shutdown (${(error as Error).message})`,
          );
          return;
        }
        this.options.logger.error(`job.revoked of job ${jobId} not published yet (${(error as Error).message}); trying again`);
        await sleep(REVOKED_REPUBLISH_PAUSE_MS);
      }
    }
  }

  /** The job's outcome, under the one id all its outcomes share: JetStream keeps the first stored. */
  private publishOutcome<D>(publisher: JobEventPublisher, created: JobCreated, type: TerminalType, data: D): Promise<PubAck> {
    const event = followEvent(created, type, this.options.actor, data, terminalEventId(created.job_id));
    return publisher.publish(event as EventEnvelope<JobEventType>);
  }

  /**
   * A duplicate PubAck for an outcome: JOBS already held one for this job (another run's, or
   * an earlier try of this very publish whose PubAck was lost); this one was not stored.
   */
  private noteIfAlreadyStored(jobId: string, type: TerminalType, pubAck: PubAck | null): void {
    if (pubAck?.duplicate)
      this.options.logger.log(
        `job ${jobId}: its outcome was already in ${StreamName.Jobs} (seq ${pubAck.seq}); this ${type} was not stored again`,
      );
  }
}
