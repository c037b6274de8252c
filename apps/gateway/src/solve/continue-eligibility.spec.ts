import { describe, expect, it } from '@jest/globals';
import type { JobView, SolveResult } from '@crux/contracts';
import { continueDecision } from './continue-eligibility.js';

const ID = '0c7e2b1a-1111-4222-8333-444455556666';
const history = [
  { iteration: 1, candidate: 'first', score: 0.6, feedback: 'more', stop: false },
  { iteration: 2, candidate: 'second', score: 0.5, feedback: 'even more', stop: false },
];
const result = (over: Partial<SolveResult> = {}, metadata: Record<string, unknown> = {}): SolveResult => ({
  output: 'first',
  iterations: 2,
  total_tokens: 10,
  processing_time: 1,
  converged: false,
  stop_reason: 'max_iters',
  metadata: { mode: 'basic', best_iteration: 1, best_score: 0.6, history, ...metadata },
  ...over,
});
const job = (over: Partial<JobView> = {}): JobView => ({
  job_id: ID,
  status: 'completed',
  created_at: '2026-01-01T00:00:00.000Z',
  started_at: null,
  completed_at: null,
  progress: 1,
  current_phase: 'done',
  result: result(),
  error: null,
  partial_results: null,
  request: { question: 'q', n_iters: 2 },
  mode: 'basic',
  owner: 'alice',
  model_name: null,
  continued_from: null,
  version: 5,
  ...over,
});

describe('continueDecision', () => {
  it('given a completed basic job that ran out of rounds, then it may be continued from its history and best candidate', () => {
    expect(continueDecision(job())).toEqual({
      ok: true,
      seed: { iterations: history, best: { output: 'first', score: 0.6, iteration: 1 } },
    });
  });

  it('given a job stopped by the soft time limit, then it may be continued too', () => {
    expect(continueDecision(job({ result: result({ stop_reason: 'time_limit' }) })).ok).toBe(true);
  });

  it.each(['pending', 'running', 'failed', 'cancelled'] as const)('given a %s job, then it is refused naming its status', (status) => {
    expect(continueDecision(job({ status, result: null }))).toEqual({
      ok: false,
      reason: `job ${ID} cannot be continued: it is ${status}; only a completed job can be continued`,
    });
  });

  it('given a job whose evaluator converged, then it is refused naming evaluator_stop', () => {
    expect(continueDecision(job({ result: result({ converged: true, stop_reason: 'evaluator_stop' }) }))).toEqual({
      ok: false,
      reason: `job ${ID} cannot be continued: it converged (stop_reason evaluator_stop): the evaluator found nothing more to improve`,
    });
  });

  it('given an enhanced job, then it is refused as enhanced', () => {
    expect(continueDecision(job({ mode: 'enhanced' }))).toEqual({
      ok: false,
      reason: `job ${ID} cannot be continued: it is an enhanced job; only basic jobs can be continued`,
    });
  });

  it.each([
    ['a shortened history', result({}, { truncated: 'texts were shortened' }), /shortened to fit/],
    ['no history', result({}, { history: undefined }), /no evolution history/],
    ['a gap in the history', result({}, { history: [history[1]] }), /no evolution history/],
    ['no best candidate', result({}, { best_score: undefined }), /which candidate was best/],
  ])('given a result with %s, then it is refused saying so', (_name, r, message) => {
    const decision = continueDecision(job({ result: r }));
    expect(decision.ok).toBe(false);
    expect(!decision.ok && decision.reason).toMatch(message);
  });
});
