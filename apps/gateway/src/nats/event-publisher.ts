import { Subjects, type EventEnvelope, type JobEventType } from '@crux/contracts';
import type { PubAck } from '@crux/messaging';
import { createInbox, headers, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { readPubAck } from './pub-ack.js';

/** How long a publish waits for its PubAck: the JetStream client's default, as js.publish waited. */
export const PUB_ACK_WAIT_MS = 5_000;

/** Runs a callback once the current turn of the event loop has finished its I/O callbacks. */
export type Defer = (run: () => void) => void;

const nextCheckPhase: Defer = (run) => setImmediate(run);

interface Waiter {
  event: EventEnvelope<JobEventType>;
  resolve: (ack: PubAck) => void;
  reject: (error: unknown) => void;
  token: string;
  round: Round | null;
}

/** The publishes of one turn: one timer gives up on the PubAcks still missing. */
interface Round {
  waiters: Waiter[];
  left: number;
  timer: ReturnType<typeof setTimeout> | null;
}

/**
 * Publishes job events to the JOBS stream, each with its id as Nats-Msg-Id (a publish retried
 * after a timeout is stored once), and resolves each with its own PubAck or rejects it with
 * its own error.
 *
 * Two things make it cheaper per submit than js.publish in a loop:
 * - One batch per turn of the event loop: every event published while Node works through the
 *   sockets that were ready in one poll (each request's handler runs there) is sent in one
 *   synchronous pass right after them (`setImmediate`). The NATS client writes its buffer in a
 *   microtask, which Node runs after each socket's callback, so published one by one each
 *   submit paid a socket write of its own; together they share one.
 * - The PubAcks come to one subscription of its own, with one timer per batch. js.publish made
 *   a request per event: a reply mapping, a timer, a deferred and two error objects (one for
 *   its stack, one to reject the settled request with), a tenth of the gateway's CPU per submit.
 *
 * What a publish can answer is unchanged: the PubAck, or an error when the stream refuses the
 * event, no stream listens (503 no responders), the connection is closed, or no PubAck came
 * within PUB_ACK_WAIT_MS.
 */
export class JobEventPublisher {
  private readonly inbox = createInbox();
  private subscription: Subscription | null = null;
  private next = 0;
  private readonly waiting = new Map<string, Waiter>();
  private queue: Waiter[] = [];
  private scheduled = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly ackWaitMs: number = PUB_ACK_WAIT_MS,
    private readonly defer: Defer = nextCheckPhase,
  ) {}

  publish(event: EventEnvelope<JobEventType>): Promise<PubAck> {
    return new Promise<PubAck>((resolve, reject) => {
      this.queue.push({ event, resolve, reject, token: '', round: null });
      if (!this.scheduled) {
        this.scheduled = true;
        this.defer(this.flush);
      }
    });
  }

  /** PubAcks still awaited (for tests). */
  get pending(): number {
    return this.waiting.size;
  }

  private readonly flush = (): void => {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    const round: Round = { waiters: [], left: 0, timer: null };
    try {
      this.listen();
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
      return;
    }
    for (const waiter of batch) {
      const { event } = waiter;
      const token = `${this.inbox}.${++this.next}`;
      try {
        const h = headers();
        h.set('Nats-Msg-Id', event.id);
        this.nc.publish(Subjects.jobEvent(event.type, event.job_id), JSON.stringify(event), { reply: token, headers: h });
      } catch (error) {
        // The connection is closed or draining: this event was not sent.
        waiter.reject(error);
        continue;
      }
      waiter.token = token;
      waiter.round = round;
      this.waiting.set(token, waiter);
      round.waiters.push(waiter);
      round.left++;
    }
    if (round.left > 0) round.timer = setTimeout(() => this.expire(round), this.ackWaitMs);
  };

  private listen(): void {
    if (this.subscription && !this.subscription.isClosed()) return;
    const subscription = this.nc.subscribe(`${this.inbox}.*`, {
      callback: (error, msg) => (error ? this.failAll(error) : this.hear(msg)),
    });
    this.subscription = subscription;
    // Drained or closed with the connection: no PubAck can come any more, so none is waited
    // for (as js.publish's requests were rejected when the connection closed).
    void subscription.closed.then((error) => {
      if (this.subscription === subscription) this.failAll(error ?? new Error('the NATS connection closed before the PubAck came'));
    });
  }

  private hear(msg: Msg): void {
    const waiter = this.waiting.get(msg.subject);
    if (!waiter) return; // late: its round already gave up on it
    this.waiting.delete(msg.subject);
    this.settled(waiter);
    const answer = readPubAck({ statusCode: msg.headers?.code ?? 0, statusText: msg.headers?.description ?? '', data: msg.data });
    if (answer instanceof Error) waiter.reject(answer);
    else waiter.resolve(answer);
  }

  private settled(waiter: Waiter): void {
    const round = waiter.round!;
    if (--round.left === 0 && round.timer) clearTimeout(round.timer);
  }

  private expire(round: Round): void {
    for (const waiter of round.waiters) {
      if (this.waiting.delete(waiter.token)) waiter.reject(new Error(`no PubAck within ${this.ackWaitMs} ms`));
    }
  }

  /** The subscription ended (permissions, the connection closed): every event waiting is answered with why. */
  private failAll(error: Error): void {
    const waiters = [...this.waiting.values()];
    this.waiting.clear();
    for (const waiter of waiters) {
      this.settled(waiter);
      waiter.reject(error);
    }
  }
}
