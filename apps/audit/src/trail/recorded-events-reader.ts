import { AUDIT_ACTIONS, auditConsumerName, StreamName } from '@crux/contracts';
import { jetstream, runOverlappingPulls, type Consumer, type JsMsg, type NatsConnection } from '@crux/messaging';
import { probeVerdict, StreamOrderMerge } from '../domain/index.js';

/** Messages asked for per pull of each consumer, and most held from one consumer before pulling more. */
export const PULL_MESSAGES = 1000;
/**
 * Shortest time between two rounds of probes: each round costs the server one small request
 * per consumer behind (eight while only deletions come). At 500 deletions/s, 4 ms cost NATS
 * 0.45 ms of CPU per deletion more than one consumer of every event did, 10 ms about 0.2 ms,
 * 20 ms nothing, for a p50 wait of about 5, 10 and 15 ms (BENCHMARKS.md).
 */
const ROUND_INTERVAL_MS = 10;
/** Rounds open at once. */
const ROUNDS_IN_FLIGHT = 2;
/** How long a probe may take before the round counts it unanswered. */
const PROBE_TIMEOUT_MS = 2_000;
/** How long to wait after a round in which a probe went unanswered. */
const UNANSWERED_PAUSE_MS = 200;
/** Held events are marked in progress this often, so JetStream does not redeliver them (ack_wait 30 s). */
const KEEP_ALIVE_MS = 10_000;
/**
 * A pull that can never take a message: no-wait, at most one byte. The consumer answers 404
 * when it has nothing to deliver and 409 (message size exceeds max bytes) when it has, and
 * leaves the message for the reader's pulls either way.
 */
const PROBE_PULL = JSON.stringify({ batch: 1, no_wait: true, max_bytes: 1 });

export interface ReaderHooks {
  /** Takes each event released, in stream order (from a read loop or a probe round: must not throw). */
  deliver(msg: JsMsg): void;
  /** How long every consumer holds off before asking again (standing back, a full buffer); 0 to ask now. */
  holdOffMs(): number;
  /** Resolves after `ms`, or at once when stopping. */
  wait(ms: number): Promise<void>;
  stopping(): boolean;
  warn(message: string): void;
}

/**
 * Reads the audit's consumers, one per recorded event type, and hands their events on in
 * stream order (see StreamOrderMerge). An event that arrives ahead of other consumers waits
 * until those are known to have nothing left below it: a round of probes (PROBE_PULL), one
 * per consumer behind, whose 404 proves it (probeVerdict), asked only while something waits
 * and at most every few ms. A probe is answered by the consumer itself, without building a
 * consumer info, and never takes a message. Events of a normal job never reach this reader,
 * and cost it nothing.
 *
 * Another audit replica holding some of a consumer's events is not waited for: their order
 * between replicas is as good as the step-back makes it (one writes, the other stands by).
 */
export class RecordedEventsReader {
  private readonly merge = new StreamOrderMerge<JsMsg>(AUDIT_ACTIONS);
  private readonly rounds = new Set<Promise<void>>();
  private nextRound: NodeJS.Timeout | null = null;
  private lastRound = 0;
  private consumers: { action: string; consumer: Consumer }[] = [];

  constructor(
    private readonly nc: NatsConnection,
    private readonly hooks: ReaderHooks,
  ) {}

  /** Finds the consumers; they must exist (ensureAuditConsumers). */
  async open(): Promise<void> {
    const js = jetstream(this.nc);
    this.consumers = await Promise.all(
      AUDIT_ACTIONS.map(async (action) => ({ action, consumer: await js.consumers.get(StreamName.Jobs, auditConsumerName(action)) })),
    );
  }

  /** Pulls until stopping (after open()); resolves once every pull has ended and no round is open. */
  async run(): Promise<void> {
    const keepAlive = setInterval(() => this.keepHeldAlive(), KEEP_ALIVE_MS);
    try {
      await Promise.all(
        this.consumers.map(({ action, consumer }) =>
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
    return this.merge.takeAll();
  }

  private arrive(action: string, msg: JsMsg): void {
    this.merge.add(action, msg.seq, msg);
    this.release();
    this.schedule();
  }

  private release(): void {
    for (const msg of this.merge.release()) this.hooks.deliver(msg);
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
    const round = this.round().catch((error: unknown) => this.hooks.warn(`probing the consumers failed: ${(error as Error).message}`));
    this.rounds.add(round);
    void round.finally(() => {
      this.rounds.delete(round);
      this.schedule();
    });
  }

  /** Probes every consumer the held events wait for, and covers those with nothing left. */
  private async round(): Promise<void> {
    const { sources, upTo } = this.merge.behind();
    const verdicts = await Promise.all(sources.map((source) => this.probe(source)));
    sources.forEach((source, i) => {
      if (verdicts[i] === 'nothing-left') this.merge.coverUpTo(source, upTo);
    });
    this.release();
    if (verdicts.includes('unknown')) this.lastRound = Date.now() + UNANSWERED_PAUSE_MS;
  }

  /** A probe of `source`'s consumer (PROBE_PULL); a message it brings all the same is handed back at once. */
  private async probe(source: string) {
    try {
      const answer = await this.nc.request(`$JS.API.CONSUMER.MSG.NEXT.${StreamName.Jobs}.${auditConsumerName(source)}`, PROBE_PULL, {
        timeout: PROBE_TIMEOUT_MS,
      });
      const verdict = probeVerdict(answer.headers?.code ?? 0, Boolean(answer.reply));
      // It comes again through the pulls, in order; the redelivery costs nothing else.
      if (verdict === 'message') answer.respond('-NAK');
      return verdict;
    } catch {
      return 'unknown' as const;
    }
  }

  private keepHeldAlive(): void {
    for (const msg of this.merge.peek()) {
      try {
        msg.working();
      } catch {
        // The connection is gone: the server redelivers anyway.
      }
    }
  }
}
