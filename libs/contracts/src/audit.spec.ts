import { describe, expect, it } from '@jest/globals';
import { GENESIS_HASH, sealRecord, verifyChain, type AuditRecord, type AuditRecordBody } from './audit.js';
import { canonicalJson, deterministicId } from './canonical-json.js';

function chain(n: number): AuditRecord[] {
  const records: AuditRecord[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const body: AuditRecordBody = {
      action: 'deleted',
      job_id: `job-${i}`,
      actor: { kind: 'user', id: 'ops' },
      reason: 'purge',
      occurred_at: '2026-11-28T12:00:00.000Z',
      recorded_at: '2026-11-28T12:00:00.100Z',
      source_event_id: `event-${i}`,
      content_hash: 'ab'.repeat(32),
      details: { plan_id: 'p1' },
      prev_hash: prev,
    };
    const record = { ...sealRecord(body), sequence: i };
    records.push(record);
    prev = record.hash;
  }
  return records;
}

describe('audit hash chain', () => {
  it('verifies an untouched chain', () => {
    expect(verifyChain(chain(5))).toEqual({ ok: true, records_checked: 5, first_bad_sequence: null, problem: null });
  });

  it('finds the record whose content was changed', () => {
    const records = chain(5);
    records[2] = { ...records[2], reason: 'ttl' };
    const verdict = verifyChain(records);
    expect(verdict.ok).toBe(false);
    expect(verdict.first_bad_sequence).toBe(3);
    expect(verdict.problem).toMatch(/altered/);
  });

  it('finds a removed record by the broken link after it', () => {
    const records = chain(5);
    records.splice(1, 1);
    expect(verifyChain(records).first_bad_sequence).toBe(3);
  });
});

describe('canonical JSON', () => {
  it('gives the same bytes whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
  });

  it('makes the same UUID-shaped id from the same parts', () => {
    const id = deterministicId('deleted', 'job-1', 7);
    expect(id).toBe(deterministicId('deleted', 'job-1', 7));
    expect(id).not.toBe(deterministicId('deleted', 'job-1', 8));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
