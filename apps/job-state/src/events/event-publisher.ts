import type { JobEvent } from '@crux/contracts';
import { jetstream, publishEvent, type JetStreamClient, type NatsConnection, type PubAck } from '@crux/messaging';

const RETRY_MS = [100, 400, 1500];

/**
 * Publishes job-state's own events to JOBS. A failed publish is retried: safe, because every
 * event travels with its id as Nats-Msg-Id and the stream stores a retried one once.
 */
export class EventPublisher {
  private readonly js: JetStreamClient;

  constructor(nc: NatsConnection) {
    this.js = jetstream(nc);
  }

  async publish(event: JobEvent): Promise<PubAck> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await publishEvent(this.js, event);
      } catch (error) {
        if (attempt >= RETRY_MS.length) throw error;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS[attempt]));
      }
    }
  }
}
