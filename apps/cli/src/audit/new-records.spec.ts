import { describe, expect, it } from '@jest/globals';
import type { AuditRecord } from '@crux/contracts';
import { NewRecords } from './new-records.js';

const record = (sequence: number | undefined, hash = `h${sequence}`) => ({ sequence, hash }) as AuditRecord;

describe('NewRecords', () => {
  it('admits each record once, by sequence, when pages overlap', () => {
    const seen = new NewRecords();
    expect([1, 2, 3].map((n) => seen.admit(record(n)))).toEqual([true, true, true]);
    expect([2, 3, 4, 5].map((n) => seen.admit(record(n)))).toEqual([false, false, true, true]);
  });

  it('falls back to the hash for records without a sequence', () => {
    const seen = new NewRecords();
    expect(seen.admit(record(undefined, 'a'))).toBe(true);
    expect(seen.admit(record(undefined, 'a'))).toBe(false);
    expect(seen.admit(record(undefined, 'b'))).toBe(true);
  });
});
