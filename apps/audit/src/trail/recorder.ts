import { isJudgedEventType } from '@crux/contracts';
import { BatchDrain, MAX_BATCH, type JsMsg, type NatsConnection } from '@crux/messaging';
import { setTimeout as sleep } from 'node:timers/promises';
import { readJobEvent, type RecordableEvent } from '../domain/index.js';
import { PULL_MESSAGES, RecordedEventsReader } from './recorded-events-reader.js';
import type { TrailWriter, WriterLogger } from './trail-writer.js';
import type { VerdictsClient } from './verdicts-client.js';

const RETRY_MIN_MS = 200;
const RETRY_MAX_MS = 5000;
/** Lost races for the tail after which a replica that is not leading steps back. */
const MAX_CONFLICTS = 1;
/**
 * How long a replica that stepped back stays away: doubling from the first to the last
 * value while the other keeps leading, randomised ±25% so two never return together. The
 * longest pause bounds how long events wait when the leader dies.
 */
const STEP_BACK_MS = [500, 5000] as const;
/** Full batches taken ahead of their appends in a backlog: one appending, the others waiting for verdicts. */
const BATCHES_AHEAD = 4;

export interface RecorderStats {
  /** JOBS messages acked without a record: event types the trail does not keep (none reach it since it reads one consumer per kept type). */
  ignored: number;
  /** Unreadable deletion-path messages, dropped. */
  malformed: number;
  /** Commands the projection refused (they changed nothing): acked without a record. */
  refused: number;
  /** Batches the writer could not store, or whose verdicts could not be had, retried. */
  retries: number;
  /** Times this replica handed its events to another writer and paused. */
  stepBacks: number;
}

interface Held {
  msg: JsMsg;
  event: RecordableEvent;
}

/**
 * Feeds the events the trail keeps (RecordedEventsReader: a durable consumer per recorded
 * type, shared by audit replicas, merged back into stream order) to the trail writer, a
 * batch at a time. Batches are pipelined: while one
 * is being appended, job-state is already asked for the verdicts of the next (in a backlog,
 * of the next few), so an append rarely waits for a round trip to job-state. A batch is
 * appended only after the one before it, and only once its own verdicts are known.
 * A message is acked only once its record is in the trail, so a service killed at any point
 * leaves its events to be redelivered, and the writer skips those it had already recorded.
 *
 * Replicas share the consumer and race for the trail's tail. A replica that keeps losing
 * that race, and has lately appended less than the others, hands the events it holds back
 * (nak: redelivered at once to the winner) and stops pulling for a moment; the one that
 * leads never yields. So under load one replica writes while the other stands by, instead
 * of both paying for conflicts, and the standby returns and takes over if the other dies.
 * Pulls are explicit requests that run to their end (never cut off), so no message is ever
 * in flight to a replica that stopped listening, which would strand it until ack_wait.
 */
export class Recorder {
  /** Batches of up to MAX_BATCH, taken as handle() allows (see there). */
  private readonly batches = new BatchDrain<JsMsg>((batch) => this.handle(batch), {
    shouldContinue: () => !this.stopping,
    onError: (error) => this.unexpected(error),
  });
  /** The latest batch's append, queued behind the ones before; the next batch's waits for it. Never rejects. */
  private appending: Promise<void> = Promise.resolve();
  /** The appends of the batches taken and not yet appended, oldest first. */
  private readonly unappended: Promise<void>[] = [];
  private pulling: Promise<void> | null = null;
  private reader: RecordedEventsReader | null = null;
  private stopping = false;
  private stopSignal = new AbortController();
  /** Until when this replica stands back: whatever arrives meanwhile goes straight back. */
  private pausedUntil = 0;
  /** Step-backs since this replica last recorded a batch without losing the race. */
  private stepBacksInARow = 0;
  readonly stats: RecorderStats = { ignored: 0, malformed: 0, refused: 0, retries: 0, stepBacks: 0 };

  constructor(
    private readonly nc: NatsConnection,
    private readonly writer: TrailWriter,
    private readonly verdicts: VerdictsClient,
    private readonly logger: WriterLogger,
  ) {}

  /** Starts consuming; the consumers must exist (ensureAuditConsumers) and the writer be open. */
  async start(): Promise<void> {
    if (this.pulling) return;
    this.stopping = false;
    this.stopSignal = new AbortController();
    const reader = new RecordedEventsReader(this.nc, {
      deliver: (msg) => this.enqueue(msg),
      holdOffMs: () => {
        if (this.paused) return this.pausedUntil - Date.now();
        // The trail is slower than the stream: let the writer catch up before taking more.
        return this.batches.size >= PULL_MESSAGES ? 20 : 0;
      },
      wait: (ms) => this.pause(ms),
      stopping: () => this.stopping,
      warn: (message) => this.logger.warn(`job events: ${message}`),
    });
    await reader.open();
    this.reader = reader;
    this.pulling = reader.run();
  }

  /**
   * Stops pulling and lets the batch being appended finish; what was received but not
   * appended is handed back at once (nak) for another replica or the next start. Safe twice.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopSignal.abort();
    await this.pulling;
    this.pulling = null;
    await this.batches.settled();
    await this.appending;
    for (const msg of this.takeBuffered()) this.settle(msg, 'nak');
  }

  /** Everything received and not yet in a batch: in the buffer, and waiting in the reader. */
  private takeBuffered(): JsMsg[] {
    return [...this.batches.takeAll(), ...(this.reader?.takeAll() ?? [])];
  }

  /** Acks, naks or terminates a delivery. */
  private settle(msg: JsMsg, how: 'ack' | 'nak' | 'term'): void {
    quietly(() => msg[how]());
  }

  private get paused(): boolean {
    return Date.now() < this.pausedUntil;
  }

  private enqueue(msg: JsMsg): void {
    if (this.stopping || this.paused) {
      this.settle(msg, 'nak');
      return;
    }
    this.batches.push(msg);
  }

  /**
   * Sorts a batch out, asks for its verdicts at once and queues its append behind the one
   * before. A partial batch then waits until that earlier append is done (its own has begun),
   * so the next batch gathers meanwhile and batches grow with load instead of multiplying. A
   * full batch means a backlog (a purge): the next is taken at once, up to BATCHES_AHEAD
   * waiting for their verdicts, because job-state answers slowly while it executes a purge
   * and one question at a time would leave the trail far behind it.
   */
  private async handle(batch: JsMsg[]): Promise<void> {
    const held = this.sortOut(batch);
    if (held.length === 0) return;
    const verdicts = this.refusedInPlace(held);
    const appended = this.appending.then(() => this.append(held, verdicts)).catch((error: unknown) => this.unexpected(error));
    this.appending = appended;
    this.unappended.push(appended);
    // Appends finish in the order they were queued.
    void appended.then(() => this.unappended.shift());
    const ahead = batch.length >= MAX_BATCH ? BATCHES_AHEAD : 1;
    while (this.unappended.length > ahead) await this.unappended[0];
  }

  /** The events the trail keeps; the others are acked (not kept) or dropped (unreadable) here. */
  private sortOut(batch: JsMsg[]): Held[] {
    const held: Held[] = [];
    for (const msg of batch) {
      const reading = readJobEvent(msg.subject, msg.string());
      switch (reading.kind) {
        case 'ignore':
          this.stats.ignored++;
          this.settle(msg, 'ack');
          break;
        case 'malformed':
          // Unreadable now means unreadable forever: holding it would block the trail.
          this.stats.malformed++;
          this.logger.error(`dropping JOBS message ${msg.seq} on ${msg.subject}, which the trail cannot read: ${reading.reason}`);
          this.settle(msg, 'term');
          break;
        case 'record':
          held.push({ msg, event: reading.event });
          break;
      }
    }
    return held;
  }

  /** Appends the batch once its verdicts are in, leaving out what the projection refused, and acks. */
  private async append(held: Held[], verdicts: Promise<Map<string, string> | null>): Promise<void> {
    // Stepped back or stopping since the batch was taken: it goes back to JetStream unrecorded.
    if (this.stopping || this.paused) return this.handBack(held);
    const refused = await verdicts;
    if (!refused) return this.handBack(held);
    const kept = held.filter((h) => {
      const why = refused.get(h.event.id);
      if (why === undefined) return true;
      this.stats.refused++;
      this.logger.log(`not recording ${h.event.type} ${h.event.id}: it changed nothing (${why})`);
      this.settle(h.msg, 'ack');
      return false;
    });
    if (kept.length === 0) return;
    const settled = await this.recordInPlace(kept);
    if (!settled) return this.handBack(kept);
    const left: JsMsg[] = [];
    for (const h of kept) {
      if (settled.has(h.event.id)) this.settle(h.msg, 'ack');
      else left.push(h.msg);
    }
    if (left.length > 0) this.stepBack(left);
    else this.stepBacksInARow = 0;
  }

  /** Hands events back for redelivery at once (to another replica, or this one after a restart). */
  private handBack(held: Held[]): void {
    for (const h of held) this.settle(h.msg, 'nak');
  }

  private unexpected(error: unknown): void {
    this.logger.error(`recording stopped on an unexpected error: ${(error as Error).stack ?? String(error)}`);
  }

  /** Hands `left` and everything buffered to the other writer and stands back for a while. */
  private stepBack(left: JsMsg[]): void {
    this.stats.stepBacks++;
    const base = Math.min(STEP_BACK_MS[1], STEP_BACK_MS[0] * 2 ** this.stepBacksInARow);
    this.stepBacksInARow++;
    const pause = Math.round(base * (0.75 + Math.random() * 0.5));
    this.pausedUntil = Date.now() + pause;
    const returned = [...left, ...this.takeBuffered()];
    for (const msg of returned) this.settle(msg, 'nak');
    this.logger.log(`another audit replica is appending: handed ${returned.length} events to it, pulling again in ${pause} ms`);
  }

  /**
   * The commands of the batch the projection refused, asked of job-state (which waits until
   * its projector has judged them), retried until answered; null when stopped meanwhile.
   */
  private async refusedInPlace(held: Held[]): Promise<Map<string, string> | null> {
    const judged = held.filter((h) => isJudgedEventType(h.event.type)).map((h) => ({ id: h.event.id, seq: h.msg.seq }));
    if (judged.length === 0) return new Map();
    let delay = RETRY_MIN_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.verdicts.refused(judged);
      } catch (error) {
        if (this.stopping) return null;
        if (attempt === 1 || attempt % 10 === 0) {
          this.logger.warn(`could not learn whether ${judged.length} commands took effect (${(error as Error).message}); asking again`);
        }
        this.stats.retries++;
        for (const h of held) quietly(() => h.msg.working());
        await this.pause(delay);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  }

  /** Retries until the trail takes the batch; the ids recorded, or null when stopped meanwhile (nothing acked). */
  private async recordInPlace(held: Held[]): Promise<Set<string> | null> {
    let delay = RETRY_MIN_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        const settled = await this.writer.record(
          held.map((h) => h.event),
          { maxConflicts: this.writer.leading() ? Infinity : MAX_CONFLICTS },
        );
        if (attempt > 1) this.logger.log(`recorded a batch of ${held.length} events after ${attempt} attempts`);
        return settled;
      } catch (error) {
        if (this.stopping) {
          this.logger.warn(`stopping with ${held.length} events not recorded; JetStream redelivers them`);
          return null;
        }
        if (attempt === 1 || attempt % 10 === 0) {
          this.logger.warn(`the trail did not take a batch of ${held.length} events (${(error as Error).message}); retrying`);
        }
        this.stats.retries++;
        // Keeps JetStream from handing these to another replica while we hold them.
        for (const h of held) quietly(() => h.msg.working());
        await this.pause(delay);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  }

  /** Waits `ms`, or less if the recorder stops meanwhile. */
  private async pause(ms: number): Promise<void> {
    await sleep(Math.max(0, ms), undefined, { signal: this.stopSignal.signal }).catch(() => undefined);
  }
}

/** Acks fail only when the connection is gone, and then the server redelivers anyway. */
function quietly(action: () => void): void {
  try {
    action();
  } catch {
    // see above
  }
}
