import { describe, expect, it } from '@jest/globals';
import { decideDelivery, workerLostMessage } from './delivery-decision.js';

const max = 3;

describe('deciding what to do with a job.created delivery', () => {
  it('runs a job job-state has not projected yet, or one still pending or running', () => {
    expect(decideDelivery({ deliveryCount: 1, maxAttempts: max, state: { kind: 'not-found' } })).toEqual({ action: 'run' });
    expect(decideDelivery({ deliveryCount: 1, maxAttempts: max, state: { kind: 'found', status: 'pending' } })).toEqual({ action: 'run' });
    expect(decideDelivery({ deliveryCount: 3, maxAttempts: max, state: { kind: 'found', status: 'running' } })).toEqual({ action: 'run' });
  });

  it('does not run a job that is already over or deleted', () => {
    expect(decideDelivery({ deliveryCount: 1, maxAttempts: max, state: { kind: 'found', status: 'cancelled' } })).toEqual({ action: 'skip', why: 'the job was cancelled before it started' });
    expect(decideDelivery({ deliveryCount: 2, maxAttempts: max, state: { kind: 'found', status: 'completed' } })).toEqual({ action: 'skip', why: 'the job is already completed' });
    expect(decideDelivery({ deliveryCount: 4, maxAttempts: max, state: { kind: 'found', status: 'failed' } })).toMatchObject({ action: 'skip' });
    expect(decideDelivery({ deliveryCount: 1, maxAttempts: max, state: { kind: 'gone' } })).toEqual({ action: 'skip', why: 'the job was deleted' });
  });

  it('drops a job whose cancel this worker heard, whatever job-state has recorded so far, even on its last delivery', () => {
    for (const state of [{ kind: 'not-found' }, { kind: 'found', status: 'pending' }, { kind: 'unavailable', detail: 'x' }] as const) {
      expect(decideDelivery({ deliveryCount: 1, maxAttempts: max, state, cancelHeard: true })).toEqual({ action: 'skip', why: 'the job was cancelled before it started' });
    }
    expect(decideDelivery({ deliveryCount: 4, maxAttempts: max, state: { kind: 'found', status: 'running' }, cancelHeard: true })).toMatchObject({ action: 'skip' });
  });

  it('fails the job as worker_lost on the delivery after the last attempt, even when job-state is down', () => {
    expect(decideDelivery({ deliveryCount: 4, maxAttempts: max, state: { kind: 'found', status: 'running' } })).toEqual({ action: 'fail-lost', previousAttempts: 3 });
    expect(decideDelivery({ deliveryCount: 4, maxAttempts: max, state: { kind: 'unavailable', detail: 'x' } })).toEqual({ action: 'fail-lost', previousAttempts: 3 });
    expect(workerLostMessage(3)).toBe("the job's worker stopped 3 times before it finished");
    expect(workerLostMessage(1)).toBe("the job's worker stopped 1 time before it finished");
  });

  it('tries again later when job-state cannot say whether the job may run', () => {
    expect(decideDelivery({ deliveryCount: 1, maxAttempts: max, state: { kind: 'unavailable', detail: 'no answer on job.state.get' } })).toEqual({
      action: 'retry-later',
      why: 'no answer on job.state.get',
    });
  });
});
