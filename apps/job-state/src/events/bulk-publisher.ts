import { Subjects, type JobEvent } from '@crux/contracts';
import type { PubAck } from '@crux/messaging';
import { createInbox, headers, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { readPubAck } from './pub-ack.js';
import { PUBLISH_RETRY_MS } from './publish-retry.js';

/** How long a round of publishes waits for its PubAcks; the missing ones are published again (same ids: stored once). */
const ACK_WAIT_MS = 5_000;
const MSG_ID = 'Nats-Msg-Id';

/**
 * Publishes many events to JOBS at once, each with its id as Nats-Msg-Id, and hears their
 * PubAcks on one subscription of its own, one timer per round. The client's js.publish makes
 * a request per event (a reply mapping, a timer and a cancelled-request error each), which
 * cost a purge more CPU than the event itself. An event without its PubAck in time is
 * published again, as a failed js.publish would be: the stream stores it once.
 */
export class BulkPublisher {
  private readonly inbox = createInbox();
  private subscription: Subscription | null = null;
  private next = 0;
  private readonly waiting = new Map<string, (answer: PubAck | Error) => void>();

  constructor(private readonly nc: NatsConnection) {}

  /** Each event's PubAck, or the error it still had after the retries, in order. */
  async publishAll(events: readonly JobEvent[]): Promise<(PubAck | Error)[]> {
    const answers: (PubAck | Error)[] = new Array<PubAck | Error>(events.length);
    let todo = events.map((_, i) => i);
    for (let attempt = 0; ; attempt++) {
      const round = await this.round(todo.map((i) => events[i]));
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

  private listen(): void {
    if (this.subscription && !this.subscription.isClosed()) return;
    this.subscription = this.nc.subscribe(`${this.inbox}.*`, {
      callback: (error, msg) => (error ? this.failAll(error) : this.hear(msg)),
    });
  }

  private hear(msg: Msg): void {
    const answer = this.waiting.get(msg.subject);
    if (!answer) return; // late: its round gave up on it and published it again
    this.waiting.delete(msg.subject);
    answer(readPubAck({ statusCode: msg.headers?.code ?? 0, statusText: msg.headers?.description ?? '', data: msg.data }));
  }

  /** The subscription ended (permissions, the connection closed): every event waiting is answered with why. */
  private failAll(error: Error): void {
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const answer of waiting) answer(error);
  }

  /** Publishes every event once and answers when each has its PubAck or ACK_WAIT_MS has passed. */
  private round(events: readonly JobEvent[]): Promise<(PubAck | Error)[]> {
    this.listen();
    const answers: (PubAck | Error | undefined)[] = new Array<PubAck | Error | undefined>(events.length);
    const tokens: string[] = [];
    let left = events.length;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        for (const token of tokens) this.waiting.delete(token);
        resolve(answers.map((a) => a ?? new Error(`no PubAck within ${ACK_WAIT_MS} ms`)));
      }, ACK_WAIT_MS);
      const settle = (i: number, answer: PubAck | Error) => {
        if (answers[i] !== undefined) return;
        answers[i] = answer;
        if (--left > 0) return;
        clearTimeout(timer);
        resolve(answers as (PubAck | Error)[]);
      };
      events.forEach((event, i) => {
        const token = `${this.inbox}.${++this.next}`;
        tokens.push(token);
        this.waiting.set(token, (answer) => settle(i, answer));
        try {
          const h = headers();
          h.set(MSG_ID, event.id);
          this.nc.publish(Subjects.jobEvent(event.type, event.job_id), JSON.stringify(event), { reply: token, headers: h });
        } catch (error) {
          this.waiting.delete(token);
          settle(i, error as Error);
        }
      });
      if (events.length === 0) {
        clearTimeout(timer);
        resolve([]);
      }
    });
  }
}
