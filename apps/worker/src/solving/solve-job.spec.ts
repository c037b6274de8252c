import { describe, expect, it } from '@jest/globals';
import { SolveDefaults } from '@crux/contracts';
import { loadSettings } from '@crux/contracts/core';
import { InvalidJobError, ProviderError } from './provider-error.js';
import { solveJob } from './solve-job.js';
import { solveParams, type SolveSpec } from './solve-spec.js';

/** The documented defaults, with a simulated provider that does not wait and no time limits. */
const settings = {
  ...loadSettings({}),
  provider: 'simulated',
  model: null,
  simulatedLatencyMs: 0,
  openaiBaseUrl: null,
  softTimeLimitS: undefined,
  hardTimeLimitS: undefined,
};
const spec = (over: Partial<SolveSpec> = {}): SolveSpec => ({
  job_id: 'j1',
  mode: 'basic',
  request: { question: 'Why is the sky blue?' },
  llm_provider: null,
  model_name: null,
  ...over,
});

describe('solving one job', () => {
  it('applies the documented defaults to fields the request left out', () => {
    expect(solveParams(spec(), null)).toMatchObject({ mode: 'basic', params: { n_iters: SolveDefaults.n_iters } });
    expect(solveParams(spec({ mode: 'enhanced' }), 'm')).toMatchObject({
      mode: 'enhanced',
      params: {
        num_specialists: SolveDefaults.num_specialists,
        specialist_max_iters: SolveDefaults.specialist_max_iters,
        professor_max_iters: SolveDefaults.professor_max_iters,
        model: 'm',
      },
    });
  });

  it('runs the mode the job asks for with the provider it names, defaulting to the configured one', async () => {
    const basic = await solveJob(spec({ request: { question: 'q', n_iters: 2 } }), settings);
    expect(basic.metadata).toMatchObject({ mode: 'basic', provider: 'simulated' });
    expect(basic.iterations).toBeLessThanOrEqual(2);
    const enhanced = await solveJob(
      spec({ mode: 'enhanced', llm_provider: 'simulated', request: { question: 'q', num_specialists: 2 } }),
      settings,
    );
    expect(enhanced.metadata).toMatchObject({ mode: 'enhanced', provider: 'simulated' });
    expect(enhanced.metadata.specialists).toHaveLength(2);
  });

  it('fails an openai job with a provider error when no OPENAI_BASE_URL is configured', async () => {
    const run = solveJob(spec({ llm_provider: 'openai' }), settings);
    await expect(run).rejects.toBeInstanceOf(ProviderError);
    await expect(run).rejects.toThrow(/OPENAI_BASE_URL/);
  });

  it('refuses a request it cannot solve with a message that names the problem', async () => {
    await expect(solveJob(spec({ request: {} }), settings)).rejects.toThrow(new InvalidJobError('the request has no question to solve'));
    await expect(solveJob(spec({ request: { question: 'q', n_iters: 0 } }), settings)).rejects.toThrow(
      /n_iters must be a whole number from 1 to 50/,
    );
    await expect(solveJob(spec({ mode: 'turbo' as never }), settings)).rejects.toThrow(/unknown solve mode 'turbo'/);
  });

  it('continues a basic job from the seed its created event carries, and refuses to continue an enhanced one', async () => {
    const continuation = {
      iterations: [{ iteration: 1, candidate: 'earlier answer', score: 0.5, feedback: 'say more', stop: false }],
      best: { output: 'earlier answer', score: 0.5, iteration: 1 },
    };
    const result = await solveJob(spec({ request: { question: 'q', n_iters: 1 }, continued_from: 'origin', continuation }), settings);
    expect(result.iterations).toBe(2);
    expect(result.metadata).toMatchObject({ continued_from: 'origin', origin_iterations: 1 });
    await expect(solveJob(spec({ mode: 'enhanced', continuation }), settings)).rejects.toThrow(/only basic jobs can be continued/);
  });

  it('stops at the soft time limit of the request, capped by the settings, with stop_reason time_limit', async () => {
    let t = 0;
    const limited = { ...settings, softTimeLimitS: 1800, hardTimeLimitS: 3600 };
    // Every look at the clock is 100 ms later; the request asks for a 0.25 s soft limit.
    const result = await solveJob(spec({ request: { question: 'Explain quicksort.', n_iters: 20, soft_time_limit_s: 0.25 } }), limited, {
      now: () => (t += 100),
    });
    expect(result).toMatchObject({ stop_reason: 'time_limit', converged: false });
    expect(result.iterations).toBeLessThan(20);
  });
});
