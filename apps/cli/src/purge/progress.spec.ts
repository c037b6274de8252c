import { describe, expect, it } from '@jest/globals';
import type { PurgeProgress } from '@crux/contracts';
import { renderProgressLine } from '../render/progress-bar.js';
import { formatPurgeSummary, normaliseProgress, purgeLineState } from './progress.js';

function progress(overrides: Partial<PurgeProgress> = {}): PurgeProgress {
  return normaliseProgress(
    { plan_id: 'p1', count: 1000, erase: false, status: 'running', deleted: 390, skipped: 10, failed: 0, ...overrides },
    { plan_id: 'p1', count: 1000, erase: false },
  );
}

describe('purge progress', () => {
  it('draws the share of jobs processed, with the counts', () => {
    expect(renderProgressLine(purgeLineState(progress()), { columns: 100, style: 'ascii' })).toBe(
      '[########------------]  40%  running    400 of 1,000 ·   390 deleted ·    10 skipped ·     0 failed',
    );
  });

  it('keeps the same length while the counts grow', () => {
    const lengths = [0, 9, 10, 99, 100, 999, 1000].map(
      (deleted) => renderProgressLine(purgeLineState(progress({ deleted, skipped: 0 })), { columns: 100 }).length,
    );
    expect(new Set(lengths).size).toBe(1);
  });

  it('shows 100% only once the plan says completed', () => {
    expect(purgeLineState(progress({ deleted: 1000, skipped: 0 })).progress).toBeLessThan(1);
    expect(purgeLineState(progress({ deleted: 1000, skipped: 0, status: 'completed' })).progress).toBe(1);
  });

  it('takes counters a terse answer left out as zero', () => {
    expect(normaliseProgress({ status: 'running' }, { plan_id: 'p9', count: 3, erase: true })).toMatchObject({
      plan_id: 'p9',
      count: 3,
      erase: true,
      deleted: 0,
      skipped: 0,
      failed: 0,
    });
  });

  it('sums up, pointing at restore, or at retrying the failed ones', () => {
    expect(formatPurgeSummary(progress({ status: 'completed', deleted: 990, skipped: 10 }))).toBe(
      'purge p1 completed: 990 deleted, 10 skipped (on hold or already gone), 0 failed\ndeleted jobs stay restorable from the archive: crux restore <job-id>',
    );
    expect(formatPurgeSummary(progress({ status: 'completed', erase: true, deleted: 997, skipped: 0, failed: 3 }))).toBe(
      'purge p1 completed: 997 erased, 0 skipped (on hold or already gone), 3 failed\n3 jobs could not be deleted and are still there: run the same purge again to retry',
    );
  });
});
