import { describe, expect, it } from '@jest/globals';
// eslint-disable-next-line @nx/enforce-module-boundaries -- tests may load the contracts eagerly; the rule keeps src/ to type-only imports (the CLI loads them lazily)
import { GENESIS_HASH, sealRecord, type AuditRecord } from '@crux/contracts';
import { formatPurgeCheck, formatPurgeSummary, judgePurge } from './verdict.js';

const deletion: AuditRecord = {
  ...sealRecord({
    action: 'deleted',
    job_id: 'j1',
    actor: { kind: 'user', id: 'dev-operator' },
    reason: 'purge',
    occurred_at: '2026-11-28T12:00:03.000Z',
    recorded_at: '2026-11-28T12:00:03.100Z',
    source_event_id: 'e1',
    content_hash: 'ab'.repeat(32),
    details: { plan_id: 'p1' },
    prev_hash: GENESIS_HASH,
  }),
  sequence: 7,
};
const recorded = { kind: 'recorded', record: deletion } as const;

describe('verify-purge verdicts', () => {
  it('passes a job the API calls gone, whose key is gone, with a deletion on record', () => {
    const check = judgePurge('j1', { kind: 'gone' }, { key: 'job:j1', exists: false }, recorded);
    expect(check).toEqual({
      jobId: 'j1',
      ok: true,
      problems: [],
      deleted: { at: '2026-11-28T12:00:03.000Z', by: 'dev-operator', reason: 'purge' },
    });
    expect(formatPurgeCheck(check)).toBe('ok      j1  deleted 2026-11-28 12:00:03 UTC by dev-operator (purge)');
  });

  it('accepts 404 as gone, and no Redis check when none was asked for', () => {
    expect(judgePurge('j1', { kind: 'never-seen' }, undefined, recorded).ok).toBe(true);
  });

  it('names every missing piece', () => {
    const check = judgePurge('j2', { kind: 'live', status: 'completed' }, { key: 'job:j2', exists: true }, { kind: 'missing' });
    expect(check.ok).toBe(false);
    expect(check.problems).toEqual([
      'the API still serves it (status completed)',
      'Redis still holds job:j2',
      "the audit trail has no 'deleted' record for it",
    ]);
    expect(formatPurgeCheck(check)).toBe(
      "FAILED  j2  the API still serves it (status completed); Redis still holds job:j2; the audit trail has no 'deleted' record for it",
    );
  });

  it('fails a job gone from the API whose key Redis still holds (the API lied, or the projection lags)', () => {
    expect(judgePurge('j1', { kind: 'gone' }, { key: 'job:j1', exists: true }, recorded).problems).toEqual(['Redis still holds job:j1']);
  });

  it('fails a job gone without a trace in the trail: a silent disappearance', () => {
    expect(judgePurge('j1', { kind: 'gone' }, { key: 'job:j1', exists: false }, { kind: 'missing' }).ok).toBe(false);
  });

  it('fails what cannot be decided', () => {
    const check = judgePurge('bad id', { kind: 'refused', message: '400 Bad Request — job id must be a UUID' }, undefined, {
      kind: 'refused',
      message: '400 Bad Request — job_id must be a job or plan id',
    });
    expect(check.problems).toEqual([
      'the API would not say whether it is gone: 400 Bad Request — job id must be a UUID',
      'the audit trail could not be searched for it: 400 Bad Request — job_id must be a job or plan id',
    ]);
  });

  it('sums up, saying what was checked', () => {
    const ok = judgePurge('j1', { kind: 'gone' }, undefined, recorded);
    const bad = judgePurge('j2', { kind: 'gone' }, undefined, { kind: 'missing' });
    expect(formatPurgeSummary([ok], undefined)).toBe(
      'all 1 job verified purged (checked the API and the audit trail; set REDIS_URL to check Redis directly too)',
    );
    expect(formatPurgeSummary([ok, bad], 'redis://127.0.0.1:6379')).toBe(
      '1 of 2 jobs NOT verified purged (checked the API, Redis at redis://127.0.0.1:6379 and the audit trail)',
    );
  });
});
