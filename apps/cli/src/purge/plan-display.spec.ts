import { describe, expect, it } from '@jest/globals';
import type { PurgePlanView } from '@crux/contracts';
import { describeExpiry, describeFilter, formatPurgePlan, type PurgeFilter } from './plan-display.js';

const now = new Date('2026-11-28T12:00:00.000Z');
const filter: PurgeFilter = { ids: [], status: ['failed', 'cancelled'], olderThanS: 604_800, erase: false, reason: 'weekly cleanup' };

function plan(overrides: Partial<PurgePlanView> = {}): PurgePlanView {
  return {
    plan_id: 'plan-1',
    count: 1234,
    sample: ['id-1', 'id-2', 'id-3'],
    erase: false,
    expires_at: '2026-11-28T12:10:00.000Z',
    ...overrides,
  };
}

describe('the purge plan shown before confirming', () => {
  it('shows count, filter, what happens, reason, sample and expiry', () => {
    expect(formatPurgePlan(plan(), filter, now)).toBe(
      [
        'Purge plan plan-1',
        '  jobs     1,234 (status failed or cancelled · older than 7d; jobs on hold are never included)',
        '  action   delete: each job is archived first and can be restored with `crux restore` until the archive retention ends',
        '  reason   weekly cleanup',
        '  sample   id-1',
        '           id-2',
        '           id-3',
        '           … and 1,231 more',
        '  expires  2026-11-28 12:10:00 UTC (in 10m 00s): confirm before then',
      ].join('\n'),
    );
  });

  it('shows at most 10 ids of the sample', () => {
    const sample = Array.from({ length: 20 }, (_, i) => `id-${i + 1}`);
    const lines = formatPurgePlan(plan({ count: 25, sample }), filter, now).split('\n');
    expect(lines.filter((line) => /id-\d+$/.test(line))).toHaveLength(10);
    expect(lines).toContain('           … and 15 more');
  });

  it('says loudly when the jobs are erased for good', () => {
    const text = formatPurgePlan(plan({ erase: true, count: 2, sample: ['a', 'b'] }), { ...filter, erase: true, reason: undefined }, now);
    expect(text).toContain('  action   ERASE: each job is deleted and its content removed from the event log; it CANNOT be restored');
    expect(text).toContain('  reason   -');
    expect(text).not.toContain('more');
  });

  it('describes every kind of filter', () => {
    expect(describeFilter({ ...filter, status: [], olderThanS: undefined, ids: ['a'] })).toBe('among 1 listed id');
    expect(describeFilter({ ...filter, ids: ['a', 'b', 'c'] })).toBe('status failed or cancelled · older than 7d · among 3 listed ids');
    expect(describeFilter({ ids: [], status: [], olderThanS: 129_600, erase: false, reason: undefined })).toBe('older than 1d 12h');
  });

  it('says when a plan has already expired', () => {
    expect(describeExpiry('2026-11-28T11:59:00.000Z', now)).toBe('2026-11-28 11:59:00 UTC (already expired)');
  });
});
