import { describe, expect, it } from '@jest/globals';
import type { AuditRecord } from '@crux/contracts';
import { formatActor, formatAuditHeader, formatAuditLine } from './audit.js';

const record = {
  sequence: 17,
  action: 'deleted',
  job_id: '6f1c2d3e-0000-4000-8000-000000000001',
  actor: { kind: 'user', id: 'dev-operator' },
  reason: 'purge',
  occurred_at: '2026-11-28T12:00:03.456Z',
  recorded_at: '2026-11-28T12:00:03.500Z',
  source_event_id: 'e1',
  content_hash: null,
  details: { plan_id: 'p1', archived: true, filter: { status: ['failed'] }, none: null },
  prev_hash: '0'.repeat(64),
  hash: '1'.repeat(64),
} as AuditRecord;

describe('audit lines', () => {
  it('lays every record out in the same columns, details last', () => {
    expect(formatAuditLine(record)).toBe(
      '    17  2026-11-28 12:00:03  deleted             6f1c2d3e-0000-4000-8000-000000000001  dev-operator  purge  plan_id=p1 archived=true filter={"status":["failed"]}',
    );
    expect(formatAuditHeader().indexOf('ACTION')).toBe(formatAuditLine(record).indexOf('deleted'));
  });

  it('marks services and the system, so an expiry never reads like a person', () => {
    expect(formatActor({ kind: 'system', id: 'job-state' })).toBe('system:job-state');
    expect(formatActor({ kind: 'user', id: 'alice' })).toBe('alice');
    expect(formatAuditLine({ ...record, reason: null, details: {} }).endsWith('dev-operator  -')).toBe(true);
  });
});
