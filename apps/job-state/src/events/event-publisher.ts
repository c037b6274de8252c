import type { JobEvent } from '@crux/contracts';
import { jetstream, publishEvent, type JetStreamClient, type NatsConnection, type PubAck } from '@crux/messaging';
import { BulkPublisher } from './bulk-publisher.js';
import { PUBLISH_RETRY_MS } from './publish-retry.js';

/**
 * Publishes job-state's own events to JOBS. A failed publish is retried: safe, because every
 * event travels with its id as Nats-Msg-Id and the stream stores a retried one once.
 */
export class EventPublisher {
  private readonly js: JetStreamClient;
  private readonly bulk: BulkPublisher;

  constructor(nc: NatsConnection) {
    this.js = jetstream(nc);
    this.bulk = new BulkPublisher(nc);
  }

  /** Many events at once (a purge's batch): each one's PubAck, or the error it still had after the retries, in order. */
  publishAll(events: readonly JobEvent[]): Promise<(PubAck | Error)[]> {
    return this.bulk.publishAll(events);
  }

  async publish(event: JobEvent): Promise<PubAck> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await publishEvent(this.js, event);
      } catch (error) {
        if (attempt >= PUBLISH_RETRY_MS.length) throw error;
        await new Promise((resolve) => setTimeout(resolve, PUBLISH_RETRY_MS[attempt]));
      }
    }
  }
}
