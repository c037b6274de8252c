import type { AuditRecord } from '@crux/contracts';

/**
 * Which records `audit tail -f` has not printed yet. Following re-reads the last page (the
 * only cursor there is for "after the end"), so records come back more than once; the
 * trail is append-only, so a record is new when its sequence is above every one seen.
 */
export class NewRecords {
  private highest = 0;
  /** For records without a sequence (not from this API): their hashes. */
  private readonly hashes = new Set<string>();

  /** True the first time a record is seen; remembers it. */
  admit(record: AuditRecord): boolean {
    if (typeof record.sequence === 'number') {
      if (record.sequence <= this.highest) return false;
      this.highest = record.sequence;
      return true;
    }
    if (this.hashes.has(record.hash)) return false;
    this.hashes.add(record.hash);
    return true;
  }
}
