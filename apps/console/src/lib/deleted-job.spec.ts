import { describe, expect, it } from '@jest/globals';
import { ApiError } from './api';
import { deletedJobOf, describeDeletion, explainRestoreRefusal } from './deleted-job';

describe('a deleted job', () => {
  it('says when, why and by whom from the 410', () => {
    const gone = new ApiError(410, 'job was deleted', {
      deleted_at: '2026-12-01T10:00:00.000Z',
      reason: 'purge',
      actor: { kind: 'user', id: 'ops' },
    });
    const deleted = deletedJobOf(gone)!;
    expect(deleted).toMatchObject({ reason: 'purge', actor: 'ops' });
    expect(describeDeletion(deleted)).toBe("Deleted 2026-12-01 10:00:00 UTC by ops: an operator's purge");
    expect(deletedJobOf(new ApiError(404, 'no', {}))).toBeNull();
  });

  it('names a system actor as such', () => {
    expect(deletedJobOf(new ApiError(410, 'x', { deleted_at: '', reason: 'ttl', actor: { kind: 'system', id: 'job-state' } }))?.actor).toBe(
      'job-state (system)',
    );
  });

  it('explains why a restore is refused', () => {
    expect(explainRestoreRefusal(new ApiError(410, 'erased', {}))).toMatch(/^cannot be restored: the job was erased/);
    expect(explainRestoreRefusal(new ApiError(404, 'beyond retention', {}))).toMatch(/no archived copy within the archive retention/);
    expect(explainRestoreRefusal(new ApiError(409, 'live', {}))).toMatch(/the job is live/);
  });
});
