import type { JobView, SolveResult } from '@crux/contracts';

export const RESULT: SolveResult = {
  output: 'The sum of the first 100 odd numbers is 10000.',
  iterations: 2,
  total_tokens: 1234,
  processing_time: 12.34,
  converged: true,
  stop_reason: 'evaluator_stop',
  metadata: {},
};

/** A JobView as the gateway returns it, with the fields a test does not care about filled in. */
export function jobView(overrides: Partial<JobView> = {}): JobView {
  return {
    job_id: '6f1c2d3e-0000-4000-8000-000000000001',
    status: 'pending',
    created_at: '2025-06-01T12:00:00.000Z',
    started_at: null,
    completed_at: null,
    progress: 0,
    current_phase: null,
    result: null,
    error: null,
    partial_results: null,
    request: { question: 'What is the sum of the first 100 odd numbers?' },
    mode: 'basic',
    owner: 'dev-submitter',
    model_name: null,
    continued_from: null,
    version: 1,
    ...overrides,
  };
}
