/**
 * Publishes job events to JOBS with their PubAcks answered on one subscription for the
 * worker's lifetime (`<inbox>.<n>`), instead of the client's request() per publish.
 *
 * Why: the client's request() costs, per publish, a request object with a random token, a
 * timer of its own, and on its answer an Error built (stack and all) to "cancel" the request
 * it just resolved: together as much of the worker's CPU in a burst as the publish itself.
 * Here a publish is the same message on the wire (same subject, payload and Nats-Msg-Id, so
 * JetStream stores a retried event once) and a map entry; one timer sweeps out the PubAcks
 * that never came.
 */
import { JetStreamApiError, type PubAck } from '@nats-io/jetstream';
import { createInbox, headers, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { Subjects, type EventEnvelope, type JobEventType } from '@crux/contracts';

/** No PubAck within the timeout: the event may or may not be stored; publishing it again (same id) is safe. */
export class PubAckTimeoutError extends Error {
  constructor(subject: string, timeoutMs: number) {
    super(`no PubAck for a publish to ${subject} within ${timeoutMs} ms`);
    this.name = 'PubAckTimeoutError';
  }
}

interface Waiting {
  subject: string;
  sentAt: number;
  resolve: (ack: PubAck) => void;
  reject: (error: Error) => void;
}

/** JetStream's answer to a publish: a PubAck, or an API error. */
interface PubAckReply {
  stream?: string;
  seq?: number;
  duplicate?: boolean;
  domain?: string;
  error?: { code: number; err_code: number; description: string };
}

export class PubAckInbox {
  private readonly prefix = createInbox();
  private readonly sub: Subscription;
  private readonly waiting = new Map<string, Waiting>();
  private readonly sweeper: NodeJS.Timeout;
  private next = 0;

  constructor(
    private readonly nc: NatsConnection,
    /** How long a PubAck may take (the client's JetStream default). */
    private readonly timeoutMs = 5000,
  ) {
    this.sub = nc.subscribe(`${this.prefix}.*`, { callback: (error, msg) => (error ? this.failAll(error) : this.answered(msg)) });
    // A PubAck that never comes fails between timeoutMs and 1.25 × timeoutMs after its publish.
    this.sweeper = setInterval(() => this.expire(), Math.max(50, this.timeoutMs / 4));
    this.sweeper.unref();
  }

  /** Publishes `event` as publishEvent (libs/messaging) does; resolves with its PubAck. Throws at once when the connection is closed. */
  publish(event: EventEnvelope<JobEventType>): Promise<PubAck> {
    const subject = Subjects.jobEvent(event.type, event.job_id);
    const token = (this.next++).toString(36);
    const h = headers();
    h.set('Nats-Msg-Id', event.id);
    this.nc.publish(subject, JSON.stringify(event), { reply: `${this.prefix}.${token}`, headers: h });
    return new Promise<PubAck>((resolve, reject) => this.waiting.set(token, { subject, sentAt: Date.now(), resolve, reject }));
  }

  /** Stops listening; publishes still waiting for their PubAck fail. */
  close(): void {
    clearInterval(this.sweeper);
    this.sub.unsubscribe();
    this.failAll(new Error('the PubAck inbox was closed'));
  }

  private answered(msg: Msg): void {
    const token = msg.subject.slice(this.prefix.length + 1);
    const waiting = this.waiting.get(token);
    if (!waiting) return;
    this.waiting.delete(token);
    const status = msg.headers?.code ?? 0;
    if (status !== 0 && status !== 200) {
      // 503: no responders, the stream is not there (yet, or any more).
      waiting.reject(new Error(`publish to ${waiting.subject} failed: ${status} ${msg.headers?.description ?? ''}`.trim()));
      return;
    }
    let reply: PubAckReply;
    try {
      reply = msg.json<PubAckReply>();
    } catch (error) {
      waiting.reject(new Error(`publish to ${waiting.subject}: unreadable PubAck (${(error as Error).message})`));
      return;
    }
    if (reply.error) {
      waiting.reject(new JetStreamApiError(reply.error));
      return;
    }
    if (typeof reply.stream !== 'string' || reply.stream === '' || typeof reply.seq !== 'number') {
      waiting.reject(new Error(`publish to ${waiting.subject}: invalid PubAck`));
      return;
    }
    waiting.resolve({ stream: reply.stream, seq: reply.seq, duplicate: reply.duplicate === true, domain: reply.domain });
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
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }
}
