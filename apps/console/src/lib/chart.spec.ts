import { describe, expect, it } from '@jest/globals';
import { chartMax, perMinute, totals } from './chart';

describe('per-minute activity', () => {
  const now = new Date('2026-12-01T10:05:30Z');

  it('counts completions and deletions by reason into the minute they happened, ignoring older ones', () => {
    const buckets = perMinute(
      now,
      3,
      ['2026-12-01T10:05:01Z', '2026-12-01T10:04:59Z', '2026-12-01T10:01:00Z', ''],
      [
        { at: '2026-12-01T10:03:10Z', reason: 'purge' },
        { at: '2026-12-01T10:03:20Z', reason: 'purge' },
        { at: '2026-12-01T10:05:00Z', reason: 'ttl' },
        { at: '2026-12-01T10:05:00Z', reason: 'something new' },
      ],
    );
    expect(buckets.map((b) => new Date(b.start).toISOString().slice(11, 16))).toEqual(['10:03', '10:04', '10:05']);
    expect(buckets.map((b) => b.counts.completed)).toEqual([0, 1, 1]);
    expect(buckets[0].counts.purge).toBe(2);
    expect(buckets[2].counts).toMatchObject({ ttl: 1, external: 1 });
    expect(totals(buckets)).toEqual({ completed: 2, purge: 2, erase: 0, ttl: 1, external: 1 });
    expect(chartMax(buckets)).toBe(2);
  });

  it('has a scale of at least one when nothing happened', () => {
    expect(chartMax(perMinute(now, 5, [], []))).toBe(1);
  });
});
