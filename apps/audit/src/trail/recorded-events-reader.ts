import { AUDIT_ACTIONS, auditConsumerName, parseJobSubject, StreamName } from '@crux/contracts';
import {
  jetstream,
  jetstreamManager,
  runOverlappingPulls,
  type Consumer,
  type ConsumerInfo,
  type JetStreamManager,
  type JsMsg,
  type NatsConnection,
} from '@crux/messaging';
import { coversUpTo, StreamOrderMerge, type ProgressHere } from '../domain/index.js';

/** Messages asked for per pull of each consumer, and most held from one consumer before pulling more. */
export const PULL_MESSAGES = 1000;
/** Shortest time between two questions to the server about where the consumers stand. */
const ROUND_INTERVAL_MS = 4;
/** Questions open at once. */
const ROUNDS_IN_FLIGHT = 2;
/** How long to wait after a question went unanswered. */
const UNANSWERED_PAUSE_MS = 200;
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
 * until the server says those have nothing left below it: a round asking where every
 * consumer stands (one request), only while something waits, at most every few ms. Events
 * of a normal job never reach this reader, and cost it nothing.
 */
export class RecordedEventsReader {
  private readonly merge = new StreamOrderMerge<Arrival>(AUDIT_ACTIONS);
  private readonly here = new Map<string, ProgressHere>(AUDIT_ACTIONS.map((a) => [a, { lastDeliverySeq: 0, unsettled: 0 }]));
  private readonly rounds = new Set<Promise<void>>();
  private nextRound: NodeJS.Timeout | null = null;
  private lastRound = 0;
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
      if (this.nextRound) clearTimeout(this.nextRound);
      this.nextRound = null;
      await Promise.all(this.rounds);
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
    this.schedule();
  }

  private release(): void {
    for (const { msg } of this.merge.release()) this.hooks.deliver(msg);
  }

  /**
   * Starts a round while events wait, at most every ROUND_INTERVAL_MS and at most
   * ROUNDS_IN_FLIGHT at once: an event that arrives during a round gets the next one without
   * waiting for the first to answer, and under load each round covers all that arrived
   * before it. Coverage only grows, so rounds may answer in any order.
   */
  private schedule(): void {
    if (this.hooks.stopping() || this.nextRound || this.rounds.size >= ROUNDS_IN_FLIGHT) return;
    if (this.merge.behind().sources.length === 0) return;
    const wait = this.lastRound + ROUND_INTERVAL_MS - Date.now();
    if (wait > 0) {
      this.nextRound = setTimeout(() => {
        this.nextRound = null;
        this.schedule();
      }, wait);
      return;
    }
    this.lastRound = Date.now();
    const round = this.round().catch((error: unknown) =>
      this.hooks.warn(`asking where the consumers stand failed: ${(error as Error).message}`),
    );
    this.rounds.add(round);
    void round.finally(() => {
      this.rounds.delete(round);
      this.schedule();
    });
  }

  /** Asks where the consumers stand and covers what the answer allows; a failed question waits a while. */
  private async round(): Promise<void> {
    const { sources, upTo } = this.merge.behind();
    const now = Date.now();
    const lenient = now - (this.merge.first()?.at ?? now) >= LENIENT_AFTER_MS;
    const infos = await this.whereTheyStand();
    if (!infos) {
      this.lastRound = Date.now() + UNANSWERED_PAUSE_MS;
      return;
    }
    for (const source of sources) {
      const info = infos.get(auditConsumerName(source));
      if (!info) continue;
      const server = {
        numPending: info.num_pending,
        deliveredStreamSeq: info.delivered.stream_seq,
        deliveredConsumerSeq: info.delivered.consumer_seq,
        numAckPending: info.num_ack_pending,
      };
      if (coversUpTo(server, this.here.get(source)!, upTo, lenient)) this.merge.coverUpTo(source, upTo);
    }
    this.release();
  }

  /**
   * Every consumer of JOBS as the server sees it, in one request (a page holds 256; JOBS has
   * a handful: the audit's, the projector, the work queue, each worker's followers); null
   * when it could not be had.
   */
  private async whereTheyStand(): Promise<Map<string, ConsumerInfo> | null> {
    try {
      const all = new Map<string, ConsumerInfo>();
      for await (const info of this.jsm!.consumers.list(StreamName.Jobs)) all.set(info.name, info);
      return all;
    } catch {
      return null;
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
