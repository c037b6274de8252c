import type { JobEvent } from '@crux/contracts';
import { BulkJetStreamPublisher, jobEventMessage, type NatsConnection, type PubAck } from '@crux/messaging';
import { setTimeout as sleep } from 'node:timers/promises';
import { PUBLISH_RETRY_MS } from './publish-retry.js';

/**
 * Publishes many events to JOBS at once, each with its id as Nats-Msg-Id, their PubAcks
 * heard on one subscription (BulkJetStreamPublisher). An event without
 * its PubAck in time, or refused, is published again as a failed js.publish would be: the
 * stream stores it once.
 */
export class BulkPublisher {
  private readonly publisher: BulkJetStreamPublisher;

  constructor(nc: NatsConnection) {
    this.publisher = new BulkJetStreamPublisher(nc);
  }

  /** Each event's PubAck, or the error it still had after the retries, in order. */
  async publishAll(events: readonly JobEvent[]): Promise<(PubAck | Error)[]> {
    const answers: (PubAck | Error)[] = new Array<PubAck | Error>(events.length);
    let todo = events.map((_, i) => i);
    for (let attempt = 0; ; attempt++) {
      const round = await this.publisher.publishAll(todo.map((i) => jobEventMessage(events[i])));
      const again: number[] = [];
      round.forEach((answer, k) => {
        answers[todo[k]] = answer;
        if (answer instanceof Error) again.push(todo[k]);
      });
      if (again.length === 0 || attempt >= PUBLISH_RETRY_MS.length) return answers;
      await sleep(PUBLISH_RETRY_MS[attempt]);
      todo = again;
    }
  }
}
