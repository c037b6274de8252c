import { describe, expect, it } from '@jest/globals';
import { actionOnCancel, revokedData } from './cancel-decision.js';

describe('what a cancel does to a job the worker holds', () => {
  it('drops a job not yet started, withdraws one waiting for a child, kills a running one, voids a finished one', () => {
    expect(actionOnCancel('deciding')).toBe('drop');
    expect(actionOnCancel('starting')).toBe('withdraw');
    expect(actionOnCancel('running')).toBe('revoke');
    expect(actionOnCancel('finishing')).toBe('void-result');
  });
});

describe('what job.revoked says', () => {
  it('reports the kill as the pool did it, with this worker', () => {
    const revoke = { terminated: true, outcome: 'killed', signal: 'SIGKILL', pid: 41, took_ms: 2003 } as const;
    expect(revokedData({ kind: 'revoked', revoke }, 'w1', 41)).toEqual({ ...revoke, worker_id: 'w1' });
  });

  it('says nothing was running when the child had already finished the job, and that it is gone when it died', () => {
    const finished = { terminated: false, outcome: 'not-running', signal: null, pid: 7, worker_id: 'w1', took_ms: 0 };
    expect(revokedData({ kind: 'failed', reason: 'error', error: 'x' }, 'w1', 7)).toEqual(finished);
    expect(revokedData({ kind: 'lost', pid: 8, code: null, signal: 'SIGKILL' }, 'w1', 8)).toEqual({
      ...finished,
      terminated: true,
      pid: 8,
    });
  });
});
