import { describe, expect, it } from '@jest/globals';
import type { RebuildProgress } from '@crux/contracts';
import { explainRebuild, REBUILD_EXPLANATION } from './explain.js';

const NOW = new Date('2030-01-01T01:00:00.000Z');

describe('what rebuild-state says before asking', () => {
  it('says it restores only what is missing or older, deletes nothing live, and that past-TTL jobs then expire with reason ttl', () => {
    const text = REBUILD_EXPLANATION.replace(/\n\s+/g, ' ');
    expect(text).toContain('only jobs Redis is missing, or holds an older version of, are written back');
    expect(text).toContain('nothing live is deleted or overwritten; deleted jobs stay deleted');
    expect(text).toContain("each job's deadlines are counted from its own times, not from now");
    expect(text).toContain('a job whose TTL ran out meanwhile is expired by job-state straight after, and recorded with reason ttl');
  });

  it('adds the reason and the last rebuild on record, or that there is none', () => {
    expect(explainRebuild({ latest: null, now: NOW })).toBe(
      `${REBUILD_EXPLANATION}\n  last: no rebuild is recorded since Redis last lost its state`,
    );
    const last: RebuildProgress = {
      rebuild_id: 'r-1',
      status: 'completed',
      trigger: 'redis_empty',
      events_read: 10,
      events_total: 10,
      jobs_restored: 4,
      jobs_deleted: 0,
      started_at: '2030-01-01T00:00:00.000Z',
      finished_at: '2030-01-01T00:00:01.000Z',
      actor: 'job-state',
      reason: null,
      error: null,
    };
    expect(explainRebuild({ latest: last, reason: 'redis restarted', now: NOW })).toBe(
      `${REBUILD_EXPLANATION}\n  reason: redis restarted\n` +
        '  last: rebuild r-1, started 2030-01-01 00:00:00 UTC (1h ago) automatically by job-state (Redis had lost the live state), completed 2030-01-01 00:00:01 UTC (59m ago)',
    );
  });

  it('keeps every line within 100 columns', () => {
    for (const row of REBUILD_EXPLANATION.split('\n')) expect({ row, fits: row.length <= 100 }).toEqual({ row, fits: true });
  });
});
