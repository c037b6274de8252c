import { describe, expect, it } from '@jest/globals';
import { decideDelivery, needsStoredOutcomeCheck, workerLostMessage } from './delivery-decision.js';

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

  describe('a redelivered job whose outcome JOBS may already hold', () => {
    const completed = { kind: 'found', type: 'completed', id: 'ev-1', seq: 41 } as const;
    const failed = { kind: 'found', type: 'failed', id: 'ev-2', seq: 42 } as const;

    it('asks JOBS only on a redelivery, never on the first delivery', () => {
      expect(needsStoredOutcomeCheck(1)).toBe(false);
      expect(needsStoredOutcomeCheck(2)).toBe(true);
      expect(needsStoredOutcomeCheck(5)).toBe(true);
    });

    it('does not run a job whose outcome is in JOBS while job-state still says running (its projection lags)', () => {
      const decision = decideDelivery({ deliveryCount: 2, maxAttempts: max, state: { kind: 'found', status: 'running' }, storedTerminal: completed });
      expect(decision).toEqual({ action: 'skip', why: expect.stringContaining('completed event is already in JOBS (seq 41, event ev-1)') });
      expect(decideDelivery({ deliveryCount: 2, maxAttempts: max, state: { kind: 'not-found' }, storedTerminal: failed })).toMatchObject({ action: 'skip' });
    });

    it('neither runs nor fails as worker_lost a job with an outcome, even on its last delivery or with job-state down', () => {
      expect(decideDelivery({ deliveryCount: 4, maxAttempts: max, state: { kind: 'found', status: 'running' }, storedTerminal: completed })).toMatchObject({ action: 'skip' });
      expect(decideDelivery({ deliveryCount: 2, maxAttempts: max, state: { kind: 'unavailable', detail: 'x' }, storedTerminal: failed })).toMatchObject({ action: 'skip' });
    });

    it('runs it when JOBS holds no outcome', () => {
      expect(decideDelivery({ deliveryCount: 2, maxAttempts: max, state: { kind: 'found', status: 'running' }, storedTerminal: { kind: 'none' } })).toEqual({ action: 'run' });
    });

    it('waits when JOBS cannot be asked, rather than risk a second outcome; on the last delivery it still records the loss', () => {
      const unknown = { kind: 'unknown', detail: 'could not read the job outcome: timeout' } as const;
      expect(decideDelivery({ deliveryCount: 2, maxAttempts: max, state: { kind: 'found', status: 'running' }, storedTerminal: unknown })).toEqual({
        action: 'retry-later',
        why: unknown.detail,
      });
      expect(decideDelivery({ deliveryCount: 4, maxAttempts: max, state: { kind: 'found', status: 'running' }, storedTerminal: unknown })).toEqual({ action: 'fail-lost', previousAttempts: 3 });
    });

    it('still drops a cancelled job first', () => {
      expect(decideDelivery({ deliveryCount: 2, maxAttempts: max, state: { kind: 'found', status: 'running' }, cancelHeard: true, storedTerminal: completed })).toEqual({
        action: 'skip',
        why: 'the job was cancelled before it started',
      });
    });
  });
});
