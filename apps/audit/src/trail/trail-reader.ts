import type { AuditPage, AuditRecord, ChainVerdict } from '@crux/contracts';
import { ChainCheck, encodeCursor, matchesQuery, parseStoredRecord, querySubject, type TrailQuery } from '../domain/index.js';
import type { TrailStream } from './trail-stream.js';

/** Records a page may look at before it answers with what it has and a cursor. */
const SCAN_BUDGET = 100_000;
/** Records verified per call to verifyChain. */
const VERIFY_BATCH = 1000;
/**
 * A record is stored after its event occurred; starting a `since` query this much earlier
 * (by stream time) covers clocks that disagree between the event's host and the server.
 */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** Reads the trail for `audit.query` and `audit.verify`. */
export class TrailReader {
  constructor(private readonly stream: TrailStream) {}

  /**
   * One page of records in trail order. Only the subject the filters allow is read
   * (`audit.<action>.<job_id>` with wildcards); the cursor is the next stream sequence.
   * A page may hold fewer than `limit` records when the scan budget ran out first;
   * `next_cursor` is null only at the end of the trail.
   */
  async query(q: TrailQuery): Promise<AuditPage> {
    const start =
      q.startSeq !== null
        ? { startSeq: q.startSeq }
        : q.since
          ? { startTime: new Date(q.since.getTime() - CLOCK_SKEW_MS) }
          : { startSeq: 1 };
    const records: AuditRecord[] = [];
    let scanned = 0;
    let next: number | null = null;
    for await (const entry of this.stream.scan({ filter: querySubject(q), batch: Math.min(1000, Math.max(q.limit, 100)), ...start })) {
      scanned++;
      const record = parseStoredRecord(entry.seq, entry.payload);
      if (record && matchesQuery(record, q)) records.push(record);
      if (records.length >= q.limit || scanned >= SCAN_BUDGET) {
        next = entry.remaining === 0 ? null : entry.seq + 1;
        break;
      }
    }
    return { records, next_cursor: next === null ? null : encodeCursor(next) };
  }

  /** Walks the whole trail as it stands now and checks every link of the chain. */
  async verify(): Promise<ChainVerdict> {
    const { lastSeq } = await this.stream.bounds();
    const check = new ChainCheck();
    if (lastSeq === 0) return check.verdict();
    let batch: AuditRecord[] = [];
    let read = 0;
    for await (const entry of this.stream.scan({ startSeq: 1, untilSeq: lastSeq })) {
      read = entry.seq;
      const record = parseStoredRecord(entry.seq, entry.payload);
      if (!record) {
        check.feed(batch);
        check.notARecord(entry.seq);
        break;
      }
      batch.push(record);
      if (batch.length >= VERIFY_BATCH) {
        check.feed(batch);
        batch = [];
        if (check.failed) break;
      }
    }
    check.feed(batch);
    // A walk cut short (a lost connection) must not pass for a verified trail.
    if (!check.failed && read !== lastSeq) throw new Error(`read the trail up to ${read} of ${lastSeq}; verify again`);
    return check.verdict();
  }
}
