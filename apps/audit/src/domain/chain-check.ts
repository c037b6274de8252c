import { GENESIS_HASH, verifyChain, type AuditRecord, type ChainVerdict } from '@crux/contracts';

/**
 * verifyChain over a trail read in batches: each batch continues from the last hash of
 * the one before, so the whole stream is checked without holding it in memory.
 */
export class ChainCheck {
  private prev = GENESIS_HASH;
  private checked = 0;
  private failure: ChainVerdict | null = null;

  /** Whether a record has failed; once it has, later batches are not looked at. */
  get failed(): boolean {
    return this.failure !== null;
  }

  /** Checks the next records in stream order. */
  feed(records: readonly AuditRecord[]): void {
    if (this.failure || records.length === 0) return;
    const verdict = verifyChain(records, this.prev);
    if (!verdict.ok) {
      this.failure = { ...verdict, records_checked: this.checked + verdict.records_checked };
      return;
    }
    this.checked += verdict.records_checked;
    this.prev = records[records.length - 1].hash;
  }

  /** A message in the trail that is not a record at all breaks the chain where it stands. */
  notARecord(sequence: number): void {
    if (this.failure) return;
    this.failure = {
      ok: false,
      records_checked: this.checked + 1,
      first_bad_sequence: sequence,
      problem: `message ${sequence} of the trail is not an audit record`,
    };
  }

  verdict(): ChainVerdict {
    return this.failure ?? { ok: true, records_checked: this.checked, first_bad_sequence: null, problem: null };
  }
}
