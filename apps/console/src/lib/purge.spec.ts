import { describe, expect, it } from '@jest/globals';
import { ApiError } from './api';
import { describeFilter, explainConfirmError, isCountTyped, planRequest, planRows, purgeFraction, purgeLine, purgeSummary } from './purge';
import type { PurgeProgress } from './types';

const ID = '3f0c6a52-1f7e-4a55-9c1b-2d3e4f5a6b7c';
const NOW = new Date('2026-12-01T10:00:00Z');

describe('the purge plan form', () => {
  it('refuses to purge everything and says what to give', () => {
    expect(planRequest({ ids: ' ', status: [], olderThan: '', erase: false, reason: '' })).toEqual({
      ok: false,
      problem: expect.stringContaining('there is no "purge everything"'),
    });
  });

  it('names an id that is not one, and an age it cannot read', () => {
    expect(planRequest({ ids: `${ID}, nope`, status: [], olderThan: '', erase: false, reason: '' })).toEqual({
      ok: false,
      problem: expect.stringContaining("'nope' is not a job id"),
    });
    expect(planRequest({ ids: '', status: [], olderThan: 'a week', erase: false, reason: '' })).toEqual({
      ok: false,
      problem: expect.stringContaining("'a week' is not an age"),
    });
  });

  it('builds the request the API takes', () => {
    const request = planRequest({
      ids: `${ID.toUpperCase()}\n${ID}`,
      status: ['failed', 'cancelled'],
      olderThan: '1d12h',
      erase: true,
      reason: ' GDPR 12 ',
    });
    expect(request).toEqual({
      ok: true,
      body: { job_ids: [ID], status: ['failed', 'cancelled'], older_than: 129_600, erase: true, reason: 'GDPR 12' },
      filter: { ids: [ID], status: ['failed', 'cancelled'], olderThanS: 129_600, erase: true, reason: 'GDPR 12' },
    });
  });
});

describe('the plan as shown', () => {
  const filter = { ids: [], status: ['failed' as const], olderThanS: 604_800, erase: false, reason: 'weekly cleanup' };

  it('shows count, filter, held jobs left out, action, reason, sample and expiry, as the CLI does', () => {
    const sample = Array.from({ length: 12 }, (_, i) => `${ID.slice(0, -2)}${String(i).padStart(2, '0')}`);
    const rows = planRows({ plan_id: 'p', count: 25, sample, erase: false, expires_at: '2026-12-01T10:10:00Z' }, filter, NOW);
    expect(rows[0]).toEqual(['jobs', '25 (status failed · older than 7d; jobs on hold are never included)']);
    expect(rows[1][1]).toMatch(/^delete: each job is archived first/);
    expect(rows[2]).toEqual(['reason', 'weekly cleanup']);
    expect(rows.filter(([, v]) => v.startsWith(ID.slice(0, -2)))).toHaveLength(10);
    expect(rows).toContainEqual(['', '… and 15 more']);
    expect(rows.at(-1)).toEqual(['expires', '2026-12-01 10:10:00 UTC (in 10m): confirm before then']);
  });

  it('says an erase cannot be undone, and an expired plan is expired', () => {
    const rows = planRows(
      { plan_id: 'p', count: 1, sample: [ID], erase: true, expires_at: '2026-12-01T09:59:00Z' },
      { ...filter, erase: true },
      NOW,
    );
    expect(rows[1][1]).toMatch(/CANNOT be restored/);
    expect(rows.at(-1)![1]).toMatch(/already expired/);
    expect(describeFilter({ ids: [ID, ID], status: [], olderThanS: undefined, erase: false, reason: undefined })).toBe(
      'among 2 listed ids',
    );
  });
});

describe('the typed confirmation', () => {
  it('enables confirm only for the count itself', () => {
    expect(isCountTyped('1234', 1234)).toBe(true);
    expect(isCountTyped(' 1,234 ', 1234)).toBe(true);
    expect(isCountTyped('y', 1234)).toBe(false);
    expect(isCountTyped('123', 1234)).toBe(false);
    expect(isCountTyped('', 1234)).toBe(false);
  });

  it('explains an expired, a wrong and a repeated confirmation', () => {
    expect(explainConfirmError(new ApiError(410, 'plan expired', {}))).toMatch(/expired before it was confirmed: nothing was deleted/);
    expect(explainConfirmError(new ApiError(403, 'confirm token does not match', {}))).toMatch(/refused.*nothing was deleted/);
    expect(explainConfirmError(new ApiError(409, 'already confirmed', {}))).toMatch(/already confirmed/);
  });
});

describe('the purge progress', () => {
  const progress = (p: Partial<PurgeProgress>): PurgeProgress => ({
    plan_id: 'p',
    count: 1000,
    sample: [],
    erase: false,
    expires_at: '',
    status: 'running',
    deleted: 0,
    skipped: 0,
    failed: 0,
    created_by: 'ops',
    confirmed_by: 'ops',
    ...p,
  });

  it('fills the bar only when the purge says completed', () => {
    expect(purgeFraction(progress({ deleted: 390, skipped: 10 }))).toBeCloseTo(0.4);
    expect(purgeFraction(progress({ deleted: 1000 }))).toBeLessThan(1);
    expect(purgeFraction(progress({ deleted: 1000, status: 'completed' }))).toBe(1);
    expect(purgeLine(progress({ deleted: 390, skipped: 10 }))).toBe('400 of 1,000 · 390 deleted · 10 skipped · 0 failed');
  });

  it('sums up what happened, and how to retry failures', () => {
    const lines = purgeSummary(progress({ status: 'completed', deleted: 990, skipped: 5, failed: 5 }));
    expect(lines[0]).toBe('purge completed: 990 deleted, 5 skipped (on hold or already gone), 5 failed');
    expect(lines[1]).toMatch(/5 jobs could not be deleted/);
  });
});
