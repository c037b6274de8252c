import { describe, expect, it } from '@jest/globals';
import { GENESIS_HASH, sealRecord, type AuditRecord } from '@crux/contracts';
import { ChainCheck } from './chain-check.js';

function chain(n: number): AuditRecord[] {
  const records: AuditRecord[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const record = sealRecord({
      action: 'deleted',
      job_id: `job-${i}`,
      actor: { kind: 'user', id: 'ops' },
      reason: 'purge',
      occurred_at: '2026-11-28T12:00:00.000Z',
      recorded_at: '2026-11-28T12:00:00.100Z',
      source_event_id: `event-${i}`,
      content_hash: null,
      details: {},
      prev_hash: prev,
    });
    records.push({ ...record, sequence: i });
    prev = record.hash;
  }
  return records;
}

describe('ChainCheck', () => {
  it('verifies a chain fed in batches as one chain', () => {
    const records = chain(10);
    const check = new ChainCheck();
    check.feed(records.slice(0, 4));
    check.feed(records.slice(4, 9));
    check.feed(records.slice(9));
    expect(check.verdict()).toEqual({ ok: true, records_checked: 10, first_bad_sequence: null, problem: null });
  });

  it('names the first bad record across batches, and counts records up to it', () => {
    const records = chain(10);
    records[6] = { ...records[6], job_id: 'changed' };
    const check = new ChainCheck();
    check.feed(records.slice(0, 5));
    check.feed(records.slice(5));
    expect(check.failed).toBe(true);
    expect(check.verdict()).toMatchObject({ ok: false, records_checked: 7, first_bad_sequence: 7 });
  });

  it('catches a batch that does not continue the one before', () => {
    const records = chain(6);
    const check = new ChainCheck();
    check.feed(records.slice(0, 2));
    check.feed(records.slice(3));
    expect(check.verdict()).toMatchObject({ ok: false, first_bad_sequence: 4, problem: expect.stringMatching(/does not chain/) });
  });

  it('fails at a message that is not a record', () => {
    const check = new ChainCheck();
    check.feed(chain(2));
    check.notARecord(3);
    expect(check.verdict()).toMatchObject({
      ok: false,
      records_checked: 3,
      first_bad_sequence: 3,
      problem: expect.stringMatching(/not an audit record/),
    });
  });
});
