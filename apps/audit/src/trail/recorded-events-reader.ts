import { AUDIT_ACTIONS, auditConsumerName, parseJobSubject, StreamName } from '@crux/contracts';
import {
  jetstream,
  jetstreamManager,
  runOverlappingPulls,
  type Consumer,
  type JetStreamManager,
  type JsMsg,
  type NatsConnection,
} from '@crux/messaging';
import { coversUpTo, StreamOrderMerge, type ProgressHere } from '../domain/index.js';

/** Messages asked for per pull of each consumer, and most held from one consumer before pulling more. */
export const PULL_MESSAGES = 1000;
/** Shortest time between two questions to the server about the consumers that are behind. */
const ROUND_INTERVAL_MS = 4;
/**
 * How long an event waits for a consumer whose deliveries the server counts but this reader
 * has not seen (on their way, handed back, or held by another replica) before it goes on.
 */
const LENIENT_AFTER_MS = 25;
/** Held events are marked in progress this often, so JetStream does not redeliver them (ack_wait 30 s). */
const KEEP_ALIVE_MS = 10_000;

export interface ReaderHooks {
  /** Takes each event released, in stream order (from a read loop or the barrier: must not throw). */
  deliver(msg: JsMsg): void;
  /** How long every consumer holds off before asking again (standing back, a full buffer); 0 to ask now. */
  holdOffMs(): number;
  /** Resolves after `ms`, or at once when stopping. */
  wait(ms: number): Promise<void>;
  stopping(): boolean;
  warn(message: string): void;
}

interface Arrival {
  msg: JsMsg;
  at: number;
}

/**
 * Reads the audit's consumers, one per recorded event type, and hands their events on in
 * stream order (see StreamOrderMerge). An event that arrives ahead of other consumers waits
 * until the server says those have nothing left below it: a round of consumer infos, asked
 * only about the consumers behind, only while something waits, at most every few ms. Events
 * of a normal job never reach this reader, and cost it nothing.
 */
export class RecordedEventsReader {
  private readonly merge = new StreamOrderMerge<Arrival>(AUDIT_ACTIONS);
  private readonly here = new Map<string, ProgressHere>(AUDIT_ACTIONS.map((a) => [a, { lastDeliverySeq: 0, unsettled: 0 }]));
  private rounds: Promise<void> | null = null;
  private jsm: JetStreamManager | null = null;
  private consumers: { action: string; consumer: Consumer }[] = [];

  constructor(
    private readonly nc: NatsConnection,
    private readonly hooks: ReaderHooks,
  ) {}

  /** Events held here, waiting for other consumers. */
  get size(): number {
    return this.merge.size;
  }

  /** Finds the consumers (they must exist: ensureAuditConsumers) and where each stands. */
  async open(): Promise<void> {
    const jsm = (this.jsm = await jetstreamManager(this.nc));
    const js = jetstream(this.nc);
    this.consumers = await Promise.all(
      AUDIT_ACTIONS.map(async (action) => {
        // Deliveries before this start are not ours to wait for: what was unacked comes again under a new number.
        const info = await jsm.consumers.info(StreamName.Jobs, auditConsumerName(action));
        this.here.set(action, { lastDeliverySeq: info.delivered.consumer_seq, unsettled: 0 });
        return { action, consumer: await js.consumers.get(StreamName.Jobs, auditConsumerName(action)) };
      }),
    );
  }

  /** Pulls until stopping (after open()); resolves once every pull has ended and nothing is being asked. */
  async run(): Promise<void> {
    const consumers = this.consumers;
    const keepAlive = setInterval(() => this.keepHeldAlive(), KEEP_ALIVE_MS);
    try {
      await Promise.all(
        consumers.map(({ action, consumer }) =>
          runOverlappingPulls(
            consumer,
            {
              deliver: (msg) => this.arrive(action, msg),
              holdOffMs: () => Math.max(this.hooks.holdOffMs(), this.merge.heldFrom(action) >= PULL_MESSAGES ? 20 : 0),
              wait: (ms) => this.hooks.wait(ms),
              stopping: () => this.hooks.stopping(),
              warn: (message) => this.hooks.warn(`${action} events: ${message}`),
            },
            { messages: PULL_MESSAGES },
          ),
        ),
      );
    } finally {
      clearInterval(keepAlive);
      await this.rounds;
    }
  }

  /** Empties the reader: what it held, to hand back to JetStream. */
  takeAll(): JsMsg[] {
    return this.merge.takeAll().map((a) => a.msg);
  }

  /** Tells the reader an event it delivered was acked, nakked or terminated. */
  settled(msg: JsMsg): void {
    const here = this.here.get(typeOf(msg));
    if (here && here.unsettled > 0) here.unsettled--;
  }

  private arrive(action: string, msg: JsMsg): void {
    const here = this.here.get(action)!;
    here.unsettled++;
    here.lastDeliverySeq = Math.max(here.lastDeliverySeq, msg.info.deliverySequence);
    this.merge.add(action, msg.seq, { msg, at: Date.now() });
    this.release();
    if (this.merge.size === 0) return;
    this.askUntilCovered();
  }

  /** Starts the rounds unless they run; one that ends as an event arrives is started again. */
  private askUntilCovered(): void {
    if (this.rounds || this.hooks.stopping()) return;
    this.rounds = this.askWhileBehind()
      .catch((error: unknown) => this.hooks.warn(`asking where the consumers stand failed: ${(error as Error).message}`))
      .finally(() => {
        this.rounds = null;
        if (this.merge.behind().sources.length > 0) this.askUntilCovered();
      });
  }

  private release(): void {
    for (const { msg } of this.merge.release()) this.hooks.deliver(msg);
  }

  /**
   * Asks the server about the consumers the held events wait for, round after round, until
   * nothing waits; rounds start at most every ROUND_INTERVAL_MS, so under load each covers
   * all that arrived meanwhile.
   */
  private async askWhileBehind(): Promise<void> {
    while (!this.hooks.stopping()) {
      const { sources, upTo } = this.merge.behind();
      if (sources.length === 0) return;
      const started = Date.now();
      const lenient = started - (this.merge.first()?.at ?? started) >= LENIENT_AFTER_MS;
      const infos = await Promise.all(
        sources.map((source) => this.jsm!.consumers.info(StreamName.Jobs, auditConsumerName(source)).catch(() => null)),
      );
      sources.forEach((source, i) => {
        const info = infos[i];
        if (!info) return;
        const server = {
          numPending: info.num_pending,
          deliveredStreamSeq: info.delivered.stream_seq,
          deliveredConsumerSeq: info.delivered.consumer_seq,
          numAckPending: info.num_ack_pending,
        };
        if (coversUpTo(server, this.here.get(source)!, upTo, lenient)) this.merge.coverUpTo(source, upTo);
      });
      this.release();
      if (this.merge.behind().sources.length === 0) continue;
      // Still behind: a consumer still delivering (its events release as they arrive), or no answer.
      const pause = infos.includes(null) ? 200 : ROUND_INTERVAL_MS - (Date.now() - started);
      if (pause > 0) await this.hooks.wait(pause);
    }
  }

  private keepHeldAlive(): void {
    for (const { msg } of this.merge.peek()) {
      try {
        msg.working();
      } catch {
        // The connection is gone: the server redelivers anyway.
      }
    }
  }
}

function typeOf(msg: JsMsg): string {
  return parseJobSubject(msg.subject)?.type ?? '';
}
