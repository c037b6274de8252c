/**
 * One delivery of `job.created` from the workers queue, as the worker's own pull requests
 * receive it: the message, its place (parsed from the reply subject JetStream acknowledges
 * on) and the acknowledgements the worker sends.
 */
import type { Msg } from '@nats-io/transport-node';

export class WorkMessage {
  /** JOBS stream sequence of the `job.created` event. */
  readonly seq: number;
  /** 1 the first time the queue hands the job out. */
  readonly deliveryCount: number;

  constructor(private readonly msg: Msg) {
    const place = parseAckSubject(msg.reply ?? '');
    if (!place) throw new Error(`not a JetStream delivery: reply subject '${msg.reply ?? ''}'`);
    this.seq = place.streamSeq;
    this.deliveryCount = place.deliveryCount;
  }

  get subject(): string {
    return this.msg.subject;
  }

  json<T>(): T {
    return this.msg.json<T>();
  }

  /** Settled: the queue forgets the job. */
  ack(): void {
    this.msg.respond('+ACK');
  }

  /** Handed back, to be delivered again (after `delayMs`). */
  nak(delayMs?: number): void {
    this.msg.respond(delayMs === undefined ? '-NAK' : `-NAK ${JSON.stringify({ delay: delayMs * 1_000_000 })}`);
  }

  /** Still being worked on: ack_wait starts again. */
  working(): void {
    this.msg.respond('+WPI');
  }

  /** Never to be delivered again. */
  term(): void {
    this.msg.respond('+TERM');
  }
}

/**
 * `$JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<time>.<pending>`, or
 * the newer form with a domain and an account hash after `$JS.ACK` (and a token more at the end).
 */
export function parseAckSubject(subject: string): { deliveryCount: number; streamSeq: number } | null {
  const t = subject.split('.');
  if (t[0] !== '$JS' || t[1] !== 'ACK') return null;
  const at = t.length === 9 ? 4 : t.length >= 11 ? 6 : -1;
  if (at < 0) return null;
  const deliveryCount = Number(t[at]);
  const streamSeq = Number(t[at + 1]);
  return Number.isSafeInteger(deliveryCount) && Number.isSafeInteger(streamSeq) && deliveryCount > 0 && streamSeq > 0
    ? { deliveryCount, streamSeq }
    : null;
}
