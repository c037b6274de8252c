/**
 * Publishes one job's events in order, each confirmed by its PubAck. A failed publish is
 * retried with the same event id, so JetStream stores it once however often it is sent.
 */
import type { EventEnvelope, JobEventType } from '@crux/contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import { SEND_NOW, type PubAck, type Sends } from '@crux/messaging';

export interface PublishRetry {
  /** Delays between attempts; one attempt more than there are delays. */
  delaysMs: readonly number[];
}

export const DEFAULT_PUBLISH_RETRY: PublishRetry = { delaysMs: [250, 500, 1000, 2000, 4000] };

/** The publisher was closed before this event went out (or before its retry). */
export class PublisherClosedError extends Error {
  constructor(event: EventEnvelope<JobEventType>) {
    super(`job.${event.type} of job ${event.job_id} was dropped: its publisher was closed`);
    this.name = 'PublisherClosedError';
  }
}

/** Sends one event to JOBS and resolves with its PubAck (publishJobEvent through a PubAckInbox, or publishEvent). */
export type PublishOne = (event: EventEnvelope<JobEventType>) => Promise<PubAck>;

export class JobEventPublisher {
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly publishOne: PublishOne,
    private readonly retry: PublishRetry = DEFAULT_PUBLISH_RETRY,
    private readonly onRetry: (event: EventEnvelope<JobEventType>, error: unknown) => void = () => undefined,
    /** When each attempt goes on the wire: with the other sends of its turn (SendTurn), or at once. */
    private readonly sends: Sends = SEND_NOW,
  ) {}

  /** Queues `event` after every event queued before it; resolves with its PubAck. */
  publish(event: EventEnvelope<JobEventType>): Promise<PubAck> {
    const result = this.tail.then(() => this.send(event));
    this.tail = result.catch(() => undefined);
    return result;
  }

  /**
   * Drops every event queued and not yet sent, and every retry still to come; an attempt
   * already on the wire is not recalled. For a cancelled job: its remaining progress is
   * moot, and must neither delay `job.revoked` nor land after it.
   */
  close(): void {
    this.closed = true;
  }

  /** Resolves once everything queued so far has been published or has failed. */
  settled(): Promise<unknown> {
    return this.tail;
  }

  private async send(event: EventEnvelope<JobEventType>): Promise<PubAck> {
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new PublisherClosedError(event);
      try {
        // Checked again when the attempt is made: one closed while it waited for the end of the turn is dropped.
        return await this.sends.submit(() => (this.closed ? Promise.reject(new PublisherClosedError(event)) : this.publishOne(event)));
      } catch (error) {
        if (this.closed) throw new PublisherClosedError(event);
        if (attempt >= this.retry.delaysMs.length) throw error;
        this.onRetry(event, error);
        await sleep(this.retry.delaysMs[attempt]);
      }
    }
  }
}
