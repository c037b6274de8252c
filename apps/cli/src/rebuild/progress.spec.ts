import { describe, expect, it } from '@jest/globals';
import type { RebuildProgress } from '@crux/contracts';
import { renderProgressLine } from '../render/progress-bar.js';
import {
  describeLatest,
  describeRebuild,
  formatRebuildSummary,
  normaliseRebuildProgress,
  rebuildLineState,
  rebuildSeconds,
} from './progress.js';

const NOW = new Date('2030-01-01T00:10:00.000Z');
const progress = (over: Partial<RebuildProgress> = {}): RebuildProgress => ({
  rebuild_id: 'r-1',
  status: 'running',
  trigger: 'operator',
  events_read: 0,
  events_total: 0,
  jobs_restored: 0,
  jobs_deleted: 0,
  started_at: '2030-01-01T00:00:00.000Z',
  finished_at: null,
  actor: 'ops',
  reason: null,
  error: null,
  ...over,
});
const line = (p: RebuildProgress) => renderProgressLine(rebuildLineState(p), { columns: 100, style: 'ascii' });

describe('the rebuild progress line', () => {
  it('says it is reading the stream before the total is known', () => {
    expect(line(progress())).toBe('[------------------------------]   0%  running  reading the JOBS stream');
  });

  it('shows events read of the total, padded so the line keeps its length', () => {
    expect(line(progress({ events_read: 500, events_total: 12_000 }))).toBe(
      '[#-----------------------------]   4%  running     500 of 12,000 events',
    );
    expect(line(progress({ events_read: 6000, events_total: 12_000 }))).toHaveLength(
      line(progress({ events_read: 500, events_total: 12_000 })).length,
    );
  });

  it('shows 100% only once completed, with the jobs restored and tombstones kept', () => {
    expect(rebuildLineState(progress({ events_read: 100, events_total: 100 })).progress).toBeLessThan(1);
    expect(line(progress({ status: 'completed', events_read: 100, events_total: 100, jobs_restored: 7, jobs_deleted: 2 }))).toBe(
      '[##############################] 100%  completed  100 of 100 events · 7 restored · 2 tombstones',
    );
  });

  it('keeps where a failed rebuild stopped', () => {
    expect(line(progress({ status: 'failed', events_read: 40, events_total: 100 }))).toBe(
      '[############------------------]  40%  failed   40 of 100 events',
    );
  });

  it('never shows more read than the total when the stream grew', () => {
    expect(rebuildLineState(progress({ events_read: 120, events_total: 100 })).phase).toBe('120 of 120 events');
  });
});

describe('naming a rebuild', () => {
  it("names an operator's rebuild by the key's name, and an automatic one by why it started", () => {
    expect(describeRebuild(progress(), NOW)).toBe('rebuild r-1, started 2030-01-01 00:00:00 UTC (10m ago) by ops');
    expect(describeRebuild(progress({ trigger: 'redis_empty', actor: 'job-state' }), NOW)).toBe(
      'rebuild r-1, started 2030-01-01 00:00:00 UTC (10m ago) automatically by job-state (Redis had lost the live state)',
    );
  });

  it('says how far a running one is, and when a finished one ended', () => {
    expect(describeLatest(progress({ events_read: 30, events_total: 100 }), NOW)).toBe(
      'rebuild r-1, started 2030-01-01 00:00:00 UTC (10m ago) by ops, is running:  30 of 100 events read',
    );
    expect(describeLatest(progress({ status: 'completed', finished_at: '2030-01-01T00:00:05.000Z' }), NOW)).toBe(
      'rebuild r-1, started 2030-01-01 00:00:00 UTC (10m ago) by ops, completed 2030-01-01 00:00:05 UTC (9m ago)',
    );
  });
});

describe('the rebuild summary', () => {
  const done = progress({
    status: 'completed',
    events_read: 1234,
    events_total: 1234,
    jobs_restored: 12,
    jobs_deleted: 3,
    finished_at: '2030-01-01T00:00:02.400Z',
  });

  it('counts events read, jobs restored and tombstones kept, and how long it took', () => {
    expect(formatRebuildSummary(done, NOW)).toBe(
      'rebuild r-1 completed in 2.4s: 1,234 events read, 12 jobs restored, 3 tombstones kept (deleted jobs stay deleted)\n' +
        'restored jobs count their TTLs from their own times: any whose TTL ran out meanwhile is expired by job-state now and recorded with reason ttl',
    );
  });

  it('says plainly when nothing needed writing back, in the singular where it applies', () => {
    expect(formatRebuildSummary({ ...done, events_read: 1, jobs_restored: 0, jobs_deleted: 1 }, NOW)).toBe(
      'rebuild r-1 completed in 2.4s: 1 event read, 0 jobs restored, 1 tombstone kept (deleted jobs stay deleted)\n' +
        'Redis already held every job at its latest version: nothing needed writing back',
    );
  });

  it('says why a failed rebuild stopped and what to do', () => {
    expect(
      formatRebuildSummary(
        progress({
          status: 'failed',
          events_read: 500,
          events_total: 1234,
          error: 'Redis went away',
          finished_at: '2030-01-01T00:01:05.000Z',
        }),
        NOW,
      ),
    ).toBe(
      'rebuild r-1 failed in 1m 05s, after   500 of 1,234 events read: Redis went away\nthe live state may still be incomplete: run crux rebuild-state again',
    );
  });

  it('measures a running rebuild up to now, and leaves the time out when it cannot be read', () => {
    expect(rebuildSeconds(progress(), NOW)).toBe(600);
    expect(rebuildSeconds(progress({ started_at: 'yesterday' }), NOW)).toBeUndefined();
    expect(formatRebuildSummary({ ...done, started_at: '' }, NOW)).toMatch(/^rebuild r-1 completed: 1,234 events read/);
  });
});

describe('normaliseRebuildProgress', () => {
  it('takes missing or nonsense counters as zero and keeps the id it follows', () => {
    expect(normaliseRebuildProgress({ status: 'running', events_read: -3 } as Partial<RebuildProgress>, 'r-9')).toEqual(
      progress({ rebuild_id: 'r-9', actor: '', started_at: '' }),
    );
    expect(normaliseRebuildProgress(null).rebuild_id).toBe('unknown');
  });
});
