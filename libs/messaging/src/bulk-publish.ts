import type { PubAck } from '@nats-io/jetstream';
import { createInbox, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { readPubAck } from './pub-ack.js';

/** One message for a JetStream stream. */
export interface BulkMessage {
  subject: string;
  payload: string | Uint8Array;
  /** Nats-Msg-Id, expectations …: as js.publish would have set them. */
  headers?: MsgHdrs;
}

export interface BulkPublishOptions {
  /** How long a call waits for its PubAcks; those missing then are errors. @defaultValue 5000, as js.publish */
  ackWaitMs?: number;
}

/**
 * Publishes many messages to JetStream at once and hears their PubAcks on one subscription
 * of its own, with one timer per call. The client's js.publish makes a request per message
 * (a reply mapping, a timer and a cancelled-request error each), which costs a bulk sender
 * more CPU than the message itself. Messages go out in order, in the same turn, so the
 * client writes them together. Each answer is the PubAck, or the error js.publish would
 * have thrown: a refusal keeps JetStream's error code (JetStreamApiError), a PubAck that did
 * not come in time is an error too (the message may still have been stored: publish it
 * again under the same Nats-Msg-Id to learn which).
 */
export class BulkJetStreamPublisher {
  private readonly inbox = createInbox();
  private readonly ackWaitMs: number;
  private subscription: Subscription | null = null;
  private next = 0;
  private readonly waiting = new Map<string, (answer: PubAck | Error) => void>();

  constructor(
    private readonly nc: NatsConnection,
    options: BulkPublishOptions = {},
  ) {
    this.ackWaitMs = options.ackWaitMs ?? 5_000;
  }

  /** Each message's PubAck or error, in order; resolves when all are answered or the wait is over. Never rejects. */
  publishAll(messages: readonly BulkMessage[]): Promise<(PubAck | Error)[]> {
    if (messages.length === 0) return Promise.resolve([]);
    this.listen();
    const answers: (PubAck | Error | undefined)[] = new Array<PubAck | Error | undefined>(messages.length);
    const tokens: string[] = new Array<string>(messages.length);
    let left = messages.length;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        for (const token of tokens) this.waiting.delete(token);
        // Array.from, not map: map skips the holes of answers never given.
        resolve(Array.from(answers, (a) => a ?? new Error(`no PubAck within ${this.ackWaitMs} ms`)));
      }, this.ackWaitMs);
      const settle = (i: number, answer: PubAck | Error) => {
        if (answers[i] !== undefined) return;
        answers[i] = answer;
        if (--left > 0) return;
        clearTimeout(timer);
        resolve(answers as (PubAck | Error)[]);
      };
      for (let i = 0; i < messages.length; i++) {
        const message = messages[i];
        const token = `${this.inbox}.${++this.next}`;
        tokens[i] = token;
        this.waiting.set(token, (answer) => settle(i, answer));
        try {
          this.nc.publish(message.subject, message.payload, { reply: token, ...(message.headers ? { headers: message.headers } : {}) });
        } catch (error) {
          this.waiting.delete(token);
          settle(i, error as Error);
        }
      }
    });
  }

  private listen(): void {
    if (this.subscription && !this.subscription.isClosed()) return;
    this.subscription = this.nc.subscribe(`${this.inbox}.*`, {
      callback: (error, msg) => (error ? this.failAll(error) : this.hear(msg)),
    });
  }

  private hear(msg: Msg): void {
    const answer = this.waiting.get(msg.subject);
    if (!answer) return; // late: its call gave up on it
    this.waiting.delete(msg.subject);
    answer(readPubAck({ statusCode: msg.headers?.code ?? 0, statusText: msg.headers?.description ?? '', data: msg.data }));
  }

  /** The subscription ended (permissions, the connection closed): every message waiting is answered with why. */
  private failAll(error: Error): void {
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const answer of waiting) answer(error);
  }
}
