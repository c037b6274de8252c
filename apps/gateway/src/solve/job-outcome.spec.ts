import { describe, expect, it } from '@jest/globals';
import { makeEvent, serviceActor, type EventEnvelope } from '@crux/contracts';
import { JobOutcome } from './job-outcome.js';

const JOB = '0c7e2b1a-1111-4222-8333-444455556666';
const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second));
const event = (type: string, data: unknown, second: number) =>
  makeEvent(type, JOB, serviceActor('w'), data, {}, at(second)) as EventEnvelope;

const result = {
  output: '4',
  iterations: 1,
  total_tokens: 10,
  processing_time: 0.1,
  converged: true,
  stop_reason: 'evaluator_stop',
  metadata: {},
};

function fold(...events: EventEnvelope[]): JobOutcome {
  const outcome = new JobOutcome(JOB, 'basic', 'alice', at(0).toISOString());
  for (const e of events) outcome.apply(e);
  return outcome;
}

const created = event('created', { mode: 'enhanced', owner: 'bob' }, 0);

describe('JobOutcome', () => {
  it('follows a job to completion', () => {
    const outcome = fold(
      created,
      event('started', { worker_id: 'w', pid: 1, attempt: 1 }, 1),
      event('progress', { progress: 0.5, current_phase: 'evaluate' }, 2),
      event('completed', { result }, 3),
    );
    expect(outcome.finished).toBe(true);
    expect(outcome.current).toEqual({
      job_id: JOB,
      status: 'completed',
      mode: 'enhanced',
      owner: 'bob',
      created_at: at(0).toISOString(),
      started_at: at(1).toISOString(),
      completed_at: at(3).toISOString(),
      progress: 1,
      current_phase: 'evaluate',
      result,
      error: null,
    });
  });

  it('records a failure', () => {
    const outcome = fold(created, event('failed', { error: 'boom', reason: 'error' }, 1));
    expect(outcome.finished).toBe(true);
    expect(outcome.current).toMatchObject({ status: 'failed', error: 'boom', completed_at: at(1).toISOString() });
  });

  it('keeps a cancelled job cancelled when a late completion arrives', () => {
    const outcome = fold(created, event('started', {}, 1), event('cancel', { reason: null }, 2), event('completed', { result }, 3));
    expect(outcome.current).toMatchObject({ status: 'cancelled', result: null, completed_at: at(2).toISOString() });
  });

  it('is not finished while running', () => {
    const outcome = fold(created, event('started', {}, 1), event('revoke_unconfirmed', {}, 2));
    expect(outcome.finished).toBe(false);
    expect(outcome.current.status).toBe('running');
  });

  it('ignores progress that the state machine would not accept', () => {
    const outcome = fold(created, event('progress', { progress: 0.9, current_phase: 'x' }, 1));
    expect(outcome.current).toMatchObject({ status: 'pending', progress: 0, current_phase: null });
  });
});
