import { GENESIS_HASH, sealRecord, sha256Hex, Subjects, type AuditRecord } from '@crux/contracts';
import { MAX_BATCH } from '@crux/messaging';
import { DecayingCount, parseStoredRecord, recordBody, SeenEvents, type RecordableEvent } from '../domain/index.js';
import { isTailConflict, type TrailEntry, type TrailStream } from './trail-stream.js';

/** The last record of the trail: what the next record chains from and must follow. */
export interface TrailTail {
  seq: number;
  hash: string;
}

export interface WriterLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface TrailWriterOptions {
  /** How many recent source event ids are kept to skip events already recorded. @defaultValue 100000 */
  seenCapacity?: number;
  /** Records sent in one pipeline. @defaultValue MAX_BATCH, so a batch of the recorder is appended in one round trip */
  maxPipeline?: number;
  clock?: () => Date;
  logger?: WriterLogger;
}

export interface WriterStats {
  appended: number;
  /** Events found already recorded (redelivered, or published twice). */
  duplicates: number;
  /** Appends refused because another writer had moved the tail. */
  conflicts: number;
  resyncs: number;
}

/** Over how long "lately" is measured when telling whether this writer leads. */
const LEAD_WINDOW_MS = 1000;

const silent: WriterLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Appends records to the trail so that it stays one linear chain, each event recorded
 * once, whatever replicas run and whenever one is killed.
 *
 * The tail (sequence and hash) is kept in memory, so an append costs one round trip, and a
 * batch of records goes out as one pipeline: record i expects the stream's last sequence
 * to be tail+i and, after the first, its predecessor's message id to be the last stored.
 * If another writer appended meanwhile the server refuses, the writer reads what was
 * appended since its tail (learning those events as recorded) and rebuilds the rest on the
 * new tail. Since no append can succeed on a stale tail, the writer has always seen every
 * record before the one it adds: the set of seen events is exact up to its tail, and a
 * restart reloads it from the stream. It holds the last `seenCapacity` records; once the
 * trail is longer, an event it does not know is looked up by its subject before appending,
 * unless the set's filter proves it new (every id since the set was loaded whole is in it).
 */
export class TrailWriter {
  private tailNow: TrailTail = { seq: 0, hash: GENESIS_HASH };
  private readonly seen: SeenEvents;
  private readonly maxPipeline: number;
  private readonly clock: () => Date;
  private readonly logger: WriterLogger;
  readonly stats: WriterStats = { appended: 0, duplicates: 0, conflicts: 0, resyncs: 0 };
  /** Records this writer appended lately, and records of other writers it learned of. */
  private readonly ownLately = new DecayingCount(LEAD_WINDOW_MS);
  private readonly othersLately = new DecayingCount(LEAD_WINDOW_MS);

  constructor(
    private readonly stream: TrailStream,
    options: TrailWriterOptions = {},
  ) {
    this.seen = new SeenEvents(options.seenCapacity ?? 100_000);
    this.maxPipeline = options.maxPipeline ?? MAX_BATCH;
    this.clock = options.clock ?? (() => new Date());
    this.logger = options.logger ?? silent;
  }

  get tail(): TrailTail {
    return { ...this.tailNow };
  }

  /** Whether this writer has lately appended more of the trail than all the others together. */
  leading(now = Date.now()): boolean {
    return this.ownLately.value(now) > this.othersLately.value(now);
  }

  /** Loads the tail and the source event ids of the last `seenCapacity` records. */
  async open(): Promise<void> {
    const { firstSeq, lastSeq } = await this.stream.bounds();
    this.tailNow = { seq: 0, hash: GENESIS_HASH };
    const from = Math.max(firstSeq, 1, lastSeq - this.seen.capacity + 1);
    this.seen.clear(from <= Math.max(firstSeq, 1));
    if (lastSeq === 0) return;
    for await (const entry of this.stream.scan({ startSeq: from, untilSeq: lastSeq })) this.learn([entry]);
    await this.settleTail(lastSeq);
  }

  /**
   * Records each event not recorded yet, in order, and returns the ids of those now in the
   * trail (appended now or found there): all of them, unless `maxConflicts` is set and
   * another writer won the race for the tail that many times, in which case the rest are
   * left to the caller. Rejects when the stream cannot be reached, with nothing half-done:
   * recording the same events again is always safe.
   */
  async record(events: readonly RecordableEvent[], options: { maxConflicts?: number } = {}): Promise<Set<string>> {
    const settled = new Set<string>();
    for (let start = 0; start < events.length; start += this.maxPipeline) {
      const complete = await this.recordSlice(events.slice(start, start + this.maxPipeline), settled, options.maxConflicts ?? Infinity);
      if (!complete) break;
    }
    return settled;
  }

  /** Adds the slice's events to `settled` as they land; false when it gave up to another writer. */
  private async recordSlice(slice: readonly RecordableEvent[], settled: Set<string>, maxConflicts: number): Promise<boolean> {
    // Once the trail outgrew the seen set, an unseen event may still have an old record.
    if (!this.seen.complete) await this.lookUp(slice.filter((e) => !this.seen.has(e.id) && !this.seen.neverRecorded(e.id)));
    let conflicts = 0;
    for (;;) {
      const todo: RecordableEvent[] = [];
      const queued = new Set<string>();
      for (const event of slice) {
        if (settled.has(event.id) || queued.has(event.id)) continue;
        if (this.seen.has(event.id)) {
          settled.add(event.id);
          this.stats.duplicates++;
          continue;
        }
        queued.add(event.id);
        todo.push(event);
      }
      if (todo.length === 0) return true;
      const { appended, conflict } = await this.appendChain(todo);
      for (const event of todo.slice(0, appended)) settled.add(event.id);
      if (appended === todo.length) return true;
      if (conflict) conflicts++;
      await this.resync();
      // Caught up either way, so the next attempt, now or after stepping back, starts fresh.
      if (conflicts >= maxConflicts) return false;
    }
  }

  /** Sends the records as one pipeline; how many of them, from the first, were stored. */
  private async appendChain(todo: readonly RecordableEvent[]): Promise<{ appended: number; conflict: boolean }> {
    const base = this.tailNow;
    const records: AuditRecord[] = [];
    let prev = base.hash;
    for (const event of todo) {
      const record = sealRecord(recordBody(event, prev, this.clock()));
      records.push(record);
      prev = record.hash;
    }
    const acks = await this.stream.appendAll(
      records.map((record, i) => ({
        record,
        payload: JSON.stringify(record),
        expect: { lastSequence: base.seq + i, lastMsgId: i > 0 ? records[i - 1].source_event_id : undefined },
      })),
    );
    for (let i = 0; i < acks.length; i++) {
      const ack = acks[i];
      const record = records[i];
      if (!(ack instanceof Error) && !ack.duplicate && ack.seq === base.seq + i + 1) {
        this.tailNow = { seq: ack.seq, hash: record.hash };
        this.seen.add(record.source_event_id);
        this.stats.appended++;
        this.ownLately.add(1, Date.now());
        continue;
      }
      // The chain broke at i: nothing after it can have been stored on top of it.
      if (ack instanceof Error) {
        // Not stored, or no PubAck in time: the retry sends it again under the same msg id.
        if (!isTailConflict(ack)) throw ack;
        this.stats.conflicts++;
        return { appended: i, conflict: true };
      }
      // Stored earlier under the same message id, within the duplicate window.
      if (ack.duplicate) this.seen.add(record.source_event_id);
      return { appended: i, conflict: false };
    }
    return { appended: acks.length, conflict: false };
  }

  /** Catches up with records other writers appended after our tail. */
  private async resync(): Promise<void> {
    this.stats.resyncs++;
    const { lastSeq } = await this.stream.bounds();
    if (lastSeq === this.tailNow.seq) return;
    if (lastSeq < this.tailNow.seq) {
      // A trail that shrank was recreated: start over from what is there now.
      this.logger.error(`the AUDIT stream ends at ${lastSeq}, before our tail ${this.tailNow.seq}; reloading it`);
      await this.open();
      return;
    }
    const before = this.tailNow.seq;
    this.learn(await this.stream.range(this.tailNow.seq + 1, lastSeq));
    await this.settleTail(lastSeq);
    this.othersLately.add(this.tailNow.seq - before, Date.now());
  }

  /**
   * After reading up to `lastSeq`: a tail short of it means the last messages are gone
   * (deleted before the trail's guards were set), or the read was cut short, which a
   * look at `lastSeq` itself tells apart.
   */
  private async settleTail(lastSeq: number): Promise<void> {
    if (this.tailNow.seq >= lastSeq) return;
    if (await this.stream.get(lastSeq)) throw new Error(`read the trail up to ${this.tailNow.seq} of ${lastSeq}; read it again`);
    this.logger.error(`the AUDIT stream's messages ${this.tailNow.seq + 1}..${lastSeq} were deleted; chaining on from ${this.tailNow.seq}`);
    this.tailNow = { seq: lastSeq, hash: this.tailNow.hash };
  }

  /** Takes in records read from the stream, in order: their events count as recorded. */
  private learn(entries: readonly TrailEntry[]): void {
    for (const entry of entries) {
      // Reads come in order; a gap is messages deleted before the trail's guards were set.
      if (entry.seq <= this.tailNow.seq) continue;
      const record = parseStoredRecord(entry.seq, entry.payload);
      if (record) {
        this.seen.add(record.source_event_id);
        this.tailNow = { seq: entry.seq, hash: record.hash };
      } else {
        // Only the audit service may append here. Chaining on from the foreign message keeps
        // the trail writable; verification reports it where it stands.
        this.logger.error(`message ${entry.seq} (${entry.subject}) of the trail is not an audit record`);
        this.tailNow = { seq: entry.seq, hash: sha256Hex(entry.payload) };
      }
    }
  }

  /**
   * Finds which of `events` the trail already holds, beyond the seen set: the last record on
   * each event's subject (`audit.<action>.<job_id>`), asked for all at once; only when that
   * record is another event's is the subject read in full.
   */
  private async lookUp(events: readonly RecordableEvent[]): Promise<void> {
    if (events.length === 0) return;
    const lasts = await Promise.all(events.map((e) => this.stream.lastOn(Subjects.auditRecord(e.type, e.job_id))));
    await Promise.all(
      events.map(async (event, i) => {
        const last = lasts[i];
        if (!last) return;
        const found = parseStoredRecord(last.seq, last.payload)?.source_event_id === event.id || (await this.onSubject(event));
        if (found) this.seen.add(event.id);
      }),
    );
  }

  private async onSubject(event: RecordableEvent): Promise<boolean> {
    for await (const entry of this.stream.scan({ filter: Subjects.auditRecord(event.type, event.job_id) })) {
      if (parseStoredRecord(entry.seq, entry.payload)?.source_event_id === event.id) return true;
    }
    return false;
  }
}
