import { describe, expect, it } from '@jest/globals';
import { streamEvent } from '../test/support/events.js';
import { RESULT } from '../test/support/jobs.js';
import { applyJobEvent, describeOutcome, INITIAL_WATCH_STATE, type WatchStep } from './watch-state.js';

function fold(events: ReturnType<typeof streamEvent>[]): WatchStep[] {
  const steps: WatchStep[] = [];
  let state = INITIAL_WATCH_STATE;
  for (const event of events) {
    const step = applyJobEvent(state, event);
    steps.push(step);
    state = step.state;
  }
  return steps;
}

describe('applyJobEvent', () => {
  it('follows a job from queued to completed', () => {
    const steps = fold([
      streamEvent(1, 'created', { mode: 'basic' }),
      streamEvent(2, 'started', { worker_id: 'w1', pid: 10, attempt: 1 }),
      streamEvent(3, 'progress', { progress: 0.25, current_phase: 'iteration 1/2: generating' }),
      streamEvent(4, 'progress', { progress: 0.75, current_phase: 'iteration 2/2: evaluating' }),
      streamEvent(5, 'completed', { result: RESULT }),
    ]);
    expect(steps.map((step) => step.state)).toEqual([
      { status: 'pending', progress: 0, phase: 'queued, waiting for a worker' },
      { status: 'running', progress: 0, phase: 'started' },
      { status: 'running', progress: 0.25, phase: 'iteration 1/2: generating' },
      { status: 'running', progress: 0.75, phase: 'iteration 2/2: evaluating' },
      { status: 'completed', progress: 1, phase: null },
    ]);
    expect(steps.slice(0, 4).every((step) => step.outcome === undefined && step.notice === undefined)).toBe(true);
    expect(steps[4].outcome).toEqual({ kind: 'completed', result: RESULT });
  });

  it('keeps the progress reached when a job fails, and reports why', () => {
    const steps = fold([
      streamEvent(1, 'started', { worker_id: 'w1', pid: 10, attempt: 1 }),
      streamEvent(2, 'progress', { progress: 0.5, current_phase: 'refining' }),
      streamEvent(3, 'failed', { error: 'provider answered 500 three times', reason: 'provider_error' }),
    ]);
    expect(steps[2].state).toEqual({ status: 'failed', progress: 0.5, phase: 'refining' });
    expect(steps[2].outcome).toEqual({ kind: 'failed', error: 'provider answered 500 three times', reason: 'provider_error' });
    expect(describeOutcome(steps[2].outcome as never)).toBe('failed (provider_error): provider answered 500 three times');
  });

  it('names who cancelled, and notes restarts and revocations', () => {
    const steps = fold([
      streamEvent(1, 'started', { worker_id: 'w1', pid: 10, attempt: 1 }),
      streamEvent(2, 'started', { worker_id: 'w2', pid: 11, attempt: 2 }),
      streamEvent(3, 'revoked', { worker_id: 'w2', outcome: 'terminated', signal: 'SIGTERM', terminated: true, pid: 11, took_ms: 5 }),
      streamEvent(4, 'revoke_unconfirmed', { worker_id: null, waited_ms: 5000, detail: 'no worker answered' }),
      streamEvent(5, 'cancel', { reason: 'wrong question' }, { kind: 'user', id: 'alice' }),
    ]);
    expect(steps[1].notice).toBe('job restarted on worker w2 (attempt 2)');
    expect(steps[2].notice).toBe('worker w2 stopped the job with SIGTERM (terminated)');
    expect(steps[3].notice).toBe('warning: no worker confirmed stopping the job: no worker answered');
    expect(steps[4].outcome).toEqual({ kind: 'cancelled', by: 'alice', reason: 'wrong question' });
    expect(describeOutcome(steps[4].outcome as never)).toBe('cancelled by alice: wrong question');
  });

  it('changes nothing for an event type it does not know', () => {
    const state = { status: 'running', progress: 0.3, phase: 'x' };
    expect(applyJobEvent(state, streamEvent(9, 'teleported', {}))).toEqual({ state });
  });
});
