import { describe, expect, it } from '@jest/globals';
import { appendNewRecords, chainsFromPrevious, toJsonLines, trailQuery } from './trail';
import type { AuditRecord } from './types';

const record = (sequence: number, hash: string, prev_hash: string): AuditRecord => ({
  action: 'deleted',
  job_id: 'j',
  actor: { kind: 'user', id: 'ops' },
  reason: 'purge',
  occurred_at: '2026-12-01T10:00:00.000Z',
  recorded_at: '2026-12-01T10:00:00.000Z',
  source_event_id: `e${sequence}`,
  content_hash: null,
  details: {},
  prev_hash,
  hash,
  sequence,
});

describe('the trail page', () => {
  it('asks only for the filters set', () => {
    expect(trailQuery({ jobId: ' ABC ', action: 'deleted', actor: '', since: '', until: '' }, 100)).toBe(
      '?job_id=abc&action=deleted&limit=100',
    );
    expect(trailQuery({ jobId: '', action: '', actor: 'ops', since: '', until: '' }, 5, 'c1')).toBe('?actor=ops&limit=5&cursor=c1');
  });

  it('appends only records newer than every one shown', () => {
    const shown = [record(1, 'a', '0'), record(2, 'b', 'a')];
    const next = appendNewRecords(shown, [record(2, 'b', 'a'), record(3, 'c', 'b')]);
    expect(next.map((r) => r.sequence)).toEqual([1, 2, 3]);
    expect(appendNewRecords(next, [record(3, 'c', 'b')])).toBe(next);
  });

  it('marks each record that chains from the one above, and says nothing across a gap', () => {
    expect(chainsFromPrevious([record(1, 'a', '0'), record(2, 'b', 'a'), record(3, 'c', 'x'), record(7, 'd', 'q')])).toEqual([
      null,
      true,
      false,
      null,
    ]);
  });

  it('exports one JSON record per line', () => {
    const text = toJsonLines([record(1, 'a', '0'), record(2, 'b', 'a')]);
    expect(text.split('\n')).toHaveLength(3);
    expect(JSON.parse(text.split('\n')[1]).hash).toBe('b');
  });
});
