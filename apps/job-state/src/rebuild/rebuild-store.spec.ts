import { describe, expect, it } from '@jest/globals';
import type { RebuildProgress } from '@crux/contracts';
import { fromProgressHash, toProgressHash } from './rebuild-store.js';

describe('a rebuild’s progress as a Redis hash', () => {
  const progress: RebuildProgress = {
    rebuild_id: 'r1',
    status: 'completed',
    trigger: 'operator',
    events_read: 12,
    events_total: 12,
    jobs_restored: 4,
    jobs_deleted: 2,
    started_at: '2030-01-01T00:00:00.000Z',
    finished_at: '2030-01-01T00:00:01.000Z',
    actor: 'olga',
    reason: null,
    error: null,
  };

  it('reads back exactly what was written, nulls included', () => {
    expect(fromProgressHash(toProgressHash(progress))).toEqual(progress);
    expect(toProgressHash(progress).reason).toBe('');
  });

  it('reads nothing from a missing or foreign hash', () => {
    expect(fromProgressHash({})).toBeNull();
    expect(fromProgressHash({ ...toProgressHash(progress), status: 'sleeping' })).toBeNull();
  });
});
