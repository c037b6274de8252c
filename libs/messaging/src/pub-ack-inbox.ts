import type { PubAck } from '@nats-io/jetstream';
import { createInbox, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { readPubAck } from './pub-ack.js';

/** How long a publish waits for its PubAck: the JetStream client's default, as js.publish waited. */
export const PUB_ACK_WAIT_MS = 5_000;

/** No PubAck in time: the message may or may not be stored; publishing it again under the same Nats-Msg-Id is safe. */
export class PubAckTimeoutError extends Error {
  constructor(subject: string, timeoutMs: number) {
    super(`no PubAck within ${timeoutMs} ms for a publish to ${subject}`);
    this.name = 'PubAckTimeoutError';
  }
}

interface Waiting {
  subject: string;
  sentAt: number;
  resolve: (ack: PubAck) => void;
  reject: (error: Error) => void;
}

/**
 * Publishes to JetStream with every PubAck answered on one subscription of its own
 * (`<inbox>.<n>`) and one timer sweeping out those that never came, instead of the client's
 * request() per publish (what js.publish does).
 *
 * Why: request() costs, per publish, a request object with a random token, a timer of its
 * own and, once answered, an Error built (stack and all) to cancel the request it just
 * resolved: in a burst as much of a service's CPU as the publish itself. Here a publish is
 * the same message on the wire and a map entry. What a publish can answer is unchanged: its
 * PubAck, or an error when the stream refuses it (a JetStreamApiError with the server's
 * code), no stream listens (503), the connection closes first, or no PubAck came in time.
 */
export class PubAckInbox {
  private readonly prefix = createInbox();
  private subscription: Subscription | null = null;
  private sweeper: ReturnType<typeof setInterval> | null = null;
  private readonly waiting = new Map<string, Waiting>();
  private next = 0;

  constructor(
    private readonly nc: NatsConnection,
    readonly timeoutMs = PUB_ACK_WAIT_MS,
  ) {}

  /** PubAcks still awaited. */
  get pending(): number {
    return this.waiting.size;
  }

  /** Publishes one message; resolves with its PubAck. Rejects at once when the connection is closed. */
  publish(subject: string, payload: string | Uint8Array, headers?: MsgHdrs): Promise<PubAck> {
    try {
      this.listen();
      const token = (this.next++).toString(36);
      this.nc.publish(subject, payload, { reply: `${this.prefix}.${token}`, ...(headers ? { headers } : {}) });
      return new Promise<PubAck>((resolve, reject) => this.waiting.set(token, { subject, sentAt: Date.now(), resolve, reject }));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /** Stops listening; publishes still waiting for their PubAck fail. */
  close(): void {
    const subscription = this.subscription;
    this.subscription = null;
    subscription?.unsubscribe();
    this.stopSweeping();
    this.failAll(new Error('the PubAck inbox was closed'));
  }

  private listen(): void {
    if (this.subscription && !this.subscription.isClosed()) return;
    const subscription = this.nc.subscribe(`${this.prefix}.*`, {
      callback: (error, msg) => (error ? this.failAll(error) : this.answered(msg)),
    });
    this.subscription = subscription;
    // Drained or closed with the connection: no PubAck can come any more, so none is waited for.
    void subscription.closed.then((error) => {
      if (this.subscription !== subscription) return;
      this.stopSweeping();
      this.failAll(error ?? new Error('the NATS connection closed before the PubAck came'));
    });
    // A PubAck that never comes fails between timeoutMs and 1.25 × timeoutMs after its publish.
    this.sweeper ??= setInterval(() => this.expire(), Math.max(50, this.timeoutMs / 4));
    this.sweeper.unref();
  }

  private stopSweeping(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }

  private answered(msg: Msg): void {
    const token = msg.subject.slice(this.prefix.length + 1);
    const waiting = this.waiting.get(token);
    if (!waiting) return; // late: it was already given up on
    this.waiting.delete(token);
    const answer = readPubAck({ statusCode: msg.headers?.code ?? 0, statusText: msg.headers?.description ?? '', data: msg.data });
    if (answer instanceof Error) waiting.reject(answer);
    else waiting.resolve(answer);
  }

  private expire(): void {
    const due = Date.now() - this.timeoutMs;
    // Oldest first: the map keeps the order of the publishes.
    for (const [token, waiting] of this.waiting) {
      if (waiting.sentAt > due) return;
      this.waiting.delete(token);
      waiting.reject(new PubAckTimeoutError(waiting.subject, this.timeoutMs));
    }
  }

  private failAll(error: Error): void {
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of waiting) w.reject(error);
  }
}
