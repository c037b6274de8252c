import { StreamName } from '@crux/contracts';
import type { JetStreamManager } from '@crux/messaging';

export interface RawStreamMessage {
  seq: number;
  subject: string;
  data: string;
}

export interface StreamBounds {
  first: number;
  last: number;
  /** Messages stored (fewer than last - first + 1 where erasures left gaps). */
  messages: number;
}

/**
 * Reads JOBS by sequence with direct gets, a whole range in flight at once. nats-server 2.9
 * has no batched direct get (2.11) and job-state's NATS user may not create consumers
 * (deploy/nats), while direct gets need nothing but the stream: hundreds of requests in
 * flight cost one round trip's wait per range, not one per message.
 */
export class JobsStreamReader {
  constructor(private readonly jsm: JetStreamManager) {}

  async bounds(): Promise<StreamBounds> {
    const { state } = await this.jsm.streams.info(StreamName.Jobs);
    return { first: state.first_seq, last: state.last_seq, messages: state.messages };
  }

  /** The messages of `from`..`to` (inclusive), in order; sequences with no message (erased, aged out) are left out. */
  async range(from: number, to: number): Promise<RawStreamMessage[]> {
    const seqs: number[] = [];
    for (let seq = from; seq <= to; seq++) seqs.push(seq);
    const found = await Promise.all(seqs.map((seq) => this.jsm.direct.getMessage(StreamName.Jobs, { seq })));
    const out: RawStreamMessage[] = [];
    for (const msg of found) if (msg) out.push({ seq: msg.seq, subject: msg.subject, data: msg.string() });
    return out;
  }
}
