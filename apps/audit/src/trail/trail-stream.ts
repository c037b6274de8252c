import { StreamName, Subjects, type AuditRecord } from '@crux/contracts';
import {
  BulkJetStreamPublisher,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
  type NatsConnection,
  type PubAck,
} from '@crux/messaging';
import { JetStreamApiCodes, JetStreamApiError, PubHeaders } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';

/** One message of the AUDIT stream, as read back. */
export interface TrailEntry {
  seq: number;
  subject: string;
  payload: string;
  /** Messages after this one that the same scan would still deliver; -1 when unknown. */
  remaining: number;
}

export interface ScanOptions {
  /** An AUDIT subject, e.g. `audit.*.<job_id>`; every record when absent. */
  filter?: string;
  /** First sequence to read. @defaultValue 1 */
  startSeq?: number;
  /** Start at the first record stored at or after this time instead of at a sequence. */
  startTime?: Date;
  /** Stop after this sequence (a snapshot of the tail, so a busy trail cannot keep a scan going). */
  untilSeq?: number;
  /** Messages the server may send ahead of the reader. @defaultValue 1000 */
  batch?: number;
}

export interface AppendExpectation {
  /** The sequence the stream's last message must have: the record's predecessor. */
  lastSequence: number;
  /** The predecessor's message id, when it was sent in the same pipeline. */
  lastMsgId?: string;
}

/** Codes of a refused `expect` header: the stream's tail is not where the writer thought. */
const CONFLICT_CODES: ReadonlySet<number> = new Set([JetStreamApiCodes.StreamWrongLastSequence, 10070 /* wrong last msg id */]);

export function isTailConflict(error: unknown): boolean {
  return error instanceof JetStreamApiError && CONFLICT_CODES.has(error.code);
}

/**
 * The AUDIT stream as the audit service uses it: append a record under conditions, find
 * the tail, read messages one by one or in bulk (ordered consumers).
 */
export class TrailStream {
  private constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly bulk: BulkJetStreamPublisher,
  ) {}

  static async open(nc: NatsConnection): Promise<TrailStream> {
    return new TrailStream(jetstream(nc), await jetstreamManager(nc), new BulkJetStreamPublisher(nc));
  }

  /**
   * Appends records, each on `audit.<action>.<job_id>` as `payload` (its JSON). Nats-Msg-Id =
   * the source event id, so a retried append inside the duplicate window is stored once; the
   * expected last sequence (and message id) makes the server refuse a record that does not
   * sit right after its predecessor. Sent together, their PubAcks heard on one subscription
   * with one timer for all: each record's PubAck, or the error js.publish would have thrown
   * (a tail conflict keeps its code, see isTailConflict), in order. Never rejects.
   */
  appendAll(appends: readonly { record: AuditRecord; payload: string; expect: AppendExpectation }[]): Promise<(PubAck | Error)[]> {
    return this.bulk.publishAll(
      appends.map(({ record, payload, expect }) => {
        const h = headers();
        h.set(PubHeaders.MsgIdHdr, record.source_event_id);
        h.set(PubHeaders.ExpectedLastSeqHdr, String(expect.lastSequence));
        if (expect.lastMsgId) h.set(PubHeaders.ExpectedLastMsgIdHdr, expect.lastMsgId);
        return { subject: Subjects.auditRecord(record.action, record.job_id), payload, headers: h };
      }),
    );
  }

  async bounds(): Promise<{ firstSeq: number; lastSeq: number; messages: number }> {
    const info = await this.jsm.streams.info(StreamName.Audit);
    return { firstSeq: info.state.first_seq, lastSeq: info.state.last_seq, messages: info.state.messages };
  }

  /** Message `seq`, or null when there is none (deleted before the trail's guards were set). */
  async get(seq: number): Promise<TrailEntry | null> {
    // The stream API, not a direct get: it answers whether or not the stream allows direct gets.
    const msg = await this.jsm.streams.getMessage(StreamName.Audit, { seq });
    if (!msg || msg.seq !== seq) return null;
    return { seq: msg.seq, subject: msg.subject, payload: msg.string(), remaining: -1 };
  }

  /** The last message on `subject`, or null when it has none. */
  async lastOn(subject: string): Promise<TrailEntry | null> {
    const msg = await this.jsm.streams.getMessage(StreamName.Audit, { last_by_subj: subject });
    return msg ? { seq: msg.seq, subject: msg.subject, payload: msg.string(), remaining: -1 } : null;
  }

  /** Messages `fromSeq..toSeq` in order; one get each for a few, a scan for many. */
  async range(fromSeq: number, toSeq: number): Promise<TrailEntry[]> {
    if (toSeq < fromSeq) return [];
    if (toSeq - fromSeq < 256) {
      const seqs = Array.from({ length: toSeq - fromSeq + 1 }, (_, i) => fromSeq + i);
      const entries = await Promise.all(seqs.map((seq) => this.get(seq)));
      return entries.filter((e): e is TrailEntry => e !== null);
    }
    const entries: TrailEntry[] = [];
    for await (const entry of this.scan({ startSeq: fromSeq, untilSeq: toSeq })) entries.push(entry);
    return entries;
  }

  /**
   * Reads the stream in order through an ordered consumer (batched pulls, no acks) and
   * ends at the tail as it was when each message was sent, or at `untilSeq`. The consumer
   * is deleted when the reader stops, early or not.
   */
  async *scan(options: ScanOptions = {}): AsyncGenerator<TrailEntry> {
    const start = options.startTime
      ? { opt_start_time: options.startTime.toISOString() }
      : { opt_start_seq: Math.max(1, options.startSeq ?? 1) };
    const consumer = await this.js.consumers.get(StreamName.Audit, {
      ...(options.filter ? { filter_subjects: options.filter } : {}),
      ...start,
      inactive_threshold: 60_000,
    });
    try {
      const info = await consumer.info(true);
      if (info.num_pending === 0) return;
      const messages = await consumer.consume({ max_messages: options.batch ?? 1000 });
      try {
        for await (const m of messages) {
          if (options.untilSeq !== undefined && m.seq > options.untilSeq) return;
          yield { seq: m.seq, subject: m.subject, payload: m.string(), remaining: m.info.pending };
          if (m.info.pending === 0 || (options.untilSeq !== undefined && m.seq >= options.untilSeq)) return;
        }
      } finally {
        await messages.close().catch(() => undefined);
      }
    } finally {
      consumer.delete().catch(() => undefined);
    }
  }
}
