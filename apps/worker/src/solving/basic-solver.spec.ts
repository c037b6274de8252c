import { describe, expect, it } from '@jest/globals';
import { solveBasic } from './basic-solver.js';
import type { ChatMessage, CompletionOptions, ModelProvider } from './model-provider.js';
import type { SolveProgress } from './progress.js';
import { SimulatedProvider } from './simulated-provider.js';

/** A model whose reviews are scripted, to test the loop apart from any scoring scheme. */
class ScriptedProvider implements ModelProvider {
  readonly name = 'scripted';
  readonly simulated = true;
  readonly calls: Array<{ purpose: string; user: string }> = [];
  private drafts = 0;
  private reviews = 0;

  constructor(private readonly script: Array<{ score: number; stop: boolean }>) {}

  async complete(messages: readonly ChatMessage[], options: CompletionOptions) {
    const user = messages.at(-1)!.content;
    this.calls.push({ purpose: options.purpose, user });
    if (options.purpose === 'evaluate') {
      const { score, stop } = this.script[this.reviews++];
      return {
        text: `SCORE: ${score}\nSTOP: ${stop ? 'yes' : 'no'}\nFEEDBACK: fix #${this.reviews}`,
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      };
    }
    return { text: `draft ${++this.drafts}`, usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } };
  }
}

const EASY = 'Why is the sky blue?';
const HARD = 'Explain quicksort.';

describe('basic self-evolve', () => {
  it('generates, evaluates and refines with the feedback until the evaluator says stop', async () => {
    const provider = new ScriptedProvider([
      { score: 0.4, stop: false },
      { score: 0.9, stop: true },
    ]);
    const result = await solveBasic(provider, { question: 'q', n_iters: 5 });
    expect(provider.calls.map((c) => c.purpose)).toEqual(['generate', 'evaluate', 'refine', 'evaluate']);
    expect(provider.calls[2].user).toContain('draft 1');
    expect(provider.calls[2].user).toContain('fix #1');
    expect(result).toMatchObject({ output: 'draft 2', iterations: 2, converged: true, stop_reason: 'evaluator_stop', total_tokens: 14 });
    expect(result.metadata.history).toEqual([
      { iteration: 1, candidate: 'draft 1', score: 0.4, feedback: 'fix #1', stop: false },
      { iteration: 2, candidate: 'draft 2', score: 0.9, feedback: 'fix #2', stop: true },
    ]);
  });

  it('returns the best candidate when refinement made it worse, after running to max_iters', async () => {
    const provider = new ScriptedProvider([
      { score: 0.5, stop: false },
      { score: 0.7, stop: false },
      { score: 0.6, stop: false },
    ]);
    const result = await solveBasic(provider, { question: 'q', n_iters: 3 });
    expect(result).toMatchObject({ output: 'draft 2', iterations: 3, converged: false, stop_reason: 'max_iters' });
  });

  it('with the simulated provider, converges early on an easy question and runs to max_iters on a hard one', async () => {
    const provider = new SimulatedProvider({ latencyMs: 0 });
    const easy = await solveBasic(provider, { question: EASY, n_iters: 5 });
    const hard = await solveBasic(provider, { question: HARD, n_iters: 5 });
    expect(easy.stop_reason).toBe('evaluator_stop');
    expect(easy.converged).toBe(true);
    expect(easy.iterations).toBeLessThan(5);
    expect(hard.stop_reason).toBe('max_iters');
    expect(hard.converged).toBe(false);
    expect(hard.iterations).toBe(5);
    const scores = (hard.metadata.history as Array<{ score: number }>).map((h) => h.score);
    expect(scores.at(-1)!).toBeGreaterThan(scores[0]);
    expect(hard.metadata).toMatchObject({ provider: 'simulated', simulated: true });
    expect(hard.output).toMatch(/^\[simulated\]/);
  });

  it('gives the same result for the same request', async () => {
    const solve = () => solveBasic(new SimulatedProvider({ latencyMs: 0 }), { question: HARD, n_iters: 3 });
    const [a, b] = [await solve(), await solve()];
    expect({ ...b, processing_time: 0 }).toEqual({ ...a, processing_time: 0 });
  });

  it('reports progress from 0 to 1, never going back, with phases and the best candidate so far', async () => {
    const updates: SolveProgress[] = [];
    const result = await solveBasic(
      new SimulatedProvider({ latencyMs: 0 }),
      { question: HARD, n_iters: 3 },
      { onProgress: (u) => updates.push(u) },
    );
    expect(updates[0]).toEqual({ progress: 0, current_phase: 'iteration 1/3: generating', partial_results: null });
    expect(updates.map((u) => u.current_phase)).toEqual([
      'iteration 1/3: generating',
      'iteration 1/3: evaluating',
      'iteration 2/3: refining',
      'iteration 2/3: evaluating',
      'iteration 3/3: refining',
      'iteration 3/3: evaluating',
      'done',
    ]);
    for (let i = 1; i < updates.length; i++) expect(updates[i].progress).toBeGreaterThan(updates[i - 1].progress);
    expect(updates.at(-1)).toEqual({
      progress: 1,
      current_phase: 'done',
      partial_results: { output: result.output, score: expect.any(Number), iteration: 3 },
    });
    expect(updates[2].partial_results).toMatchObject({ iteration: 1, score: expect.any(Number) });
  });

  it('jumps to 1 when the evaluator stops early', async () => {
    const updates: SolveProgress[] = [];
    const result = await solveBasic(
      new SimulatedProvider({ latencyMs: 0 }),
      { question: EASY, n_iters: 10 },
      { onProgress: (u) => updates.push(u) },
    );
    expect(result.iterations).toBeLessThan(10);
    expect(updates.at(-2)!.progress).toBeLessThan(0.5);
    expect(updates.at(-1)!.progress).toBe(1);
  });

  it('measures processing time in seconds with the clock it is given', async () => {
    let t = 1_000;
    const result = await solveBasic(
      new ScriptedProvider([{ score: 1, stop: true }]),
      { question: 'q', n_iters: 1 },
      { now: () => (t += 750) },
    );
    expect(result.processing_time).toBe(0.75);
  });

  describe('continuing from an earlier job', () => {
    const seed = {
      history: [
        { iteration: 1, candidate: 'old 1', score: 0.6, feedback: 'old fix 1', stop: false },
        { iteration: 2, candidate: 'old 2', score: 0.5, feedback: 'old fix 2', stop: false },
      ],
      best: { output: 'old 1', score: 0.6, iteration: 1 },
    };
    const continuation = { from: 'origin-job', seed };

    it('given an origin history, when continued, then the first step refines its last candidate with its feedback and numbering carries on', async () => {
      const provider = new ScriptedProvider([
        { score: 0.55, stop: false },
        { score: 0.7, stop: false },
      ]);
      const updates: SolveProgress[] = [];
      const result = await solveBasic(provider, { question: 'q', n_iters: 2, continuation }, { onProgress: (u) => updates.push(u) });
      expect(provider.calls.map((c) => c.purpose)).toEqual(['refine', 'evaluate', 'refine', 'evaluate']);
      expect(provider.calls[0].user).toContain('old 2');
      expect(provider.calls[0].user).toContain('old fix 2');
      expect(result).toMatchObject({ output: 'draft 2', iterations: 4, converged: false, stop_reason: 'max_iters' });
      expect((result.metadata.history as Array<{ iteration: number }>).map((h) => h.iteration)).toEqual([1, 2, 3, 4]);
      expect(result.metadata).toMatchObject({ continued_from: 'origin-job', origin_iterations: 2, best_iteration: 4, best_score: 0.7 });
      expect(updates[0]).toMatchObject({ progress: 0, current_phase: 'iteration 3/4: refining', partial_results: { output: 'old 1' } });
    });

    it('given new rounds that do not beat the origin’s best, when continued, then the origin’s best is the answer', async () => {
      const provider = new ScriptedProvider([{ score: 0.3, stop: false }]);
      const result = await solveBasic(provider, { question: 'q', n_iters: 1, continuation });
      expect(result).toMatchObject({ output: 'old 1', iterations: 3, metadata: { best_iteration: 1, best_score: 0.6 } });
    });

    it('given a simulated origin that ran out of rounds, when continued, then its scores keep rising', async () => {
      const provider = new SimulatedProvider({ latencyMs: 0 });
      const origin = await solveBasic(provider, { question: HARD, n_iters: 1 });
      expect(origin.stop_reason).toBe('max_iters');
      const history = origin.metadata.history as typeof seed.history;
      const next = await solveBasic(provider, {
        question: HARD,
        n_iters: 2,
        continuation: {
          from: 'o',
          seed: { history, best: { output: origin.output, score: origin.metadata.best_score as number, iteration: 1 } },
        },
      });
      expect(next.iterations).toBe(3);
      expect(next.metadata.best_score as number).toBeGreaterThan(origin.metadata.best_score as number);
    });
  });

  describe('the soft time limit', () => {
    it('given time is up after the first round, when the next step would start, then it stops with its best candidate as time_limit', async () => {
      const provider = new ScriptedProvider([
        { score: 0.4, stop: false },
        { score: 0.5, stop: false },
      ]);
      let evaluated = 0;
      const counting: ModelProvider = {
        name: provider.name,
        simulated: true,
        complete: async (messages, options) => {
          if (options.purpose === 'evaluate') evaluated++;
          return provider.complete(messages, options);
        },
      };
      const result = await solveBasic(counting, { question: 'q', n_iters: 10 }, { timeUp: () => evaluated >= 1 });
      expect(provider.calls.map((c) => c.purpose)).toEqual(['generate', 'evaluate']);
      expect(result).toMatchObject({ output: 'draft 1', iterations: 1, converged: false, stop_reason: 'time_limit' });
    });

    it('given time is up before there is any candidate, when the loop runs, then it keeps going until it has one', async () => {
      const provider = new ScriptedProvider([{ score: 0.4, stop: false }]);
      const result = await solveBasic(provider, { question: 'q', n_iters: 10 }, { timeUp: () => true });
      expect(provider.calls.map((c) => c.purpose)).toEqual(['generate', 'evaluate']);
      expect(result).toMatchObject({ output: 'draft 1', iterations: 1, stop_reason: 'time_limit', converged: false });
    });

    it('given time is up between writing and reviewing, when the review would start, then it stops with the best reviewed candidate', async () => {
      const provider = new ScriptedProvider([{ score: 0.4, stop: false }]);
      const result = await solveBasic(provider, { question: 'q', n_iters: 10 }, { timeUp: () => provider.calls.length >= 3 });
      expect(provider.calls.map((c) => c.purpose)).toEqual(['generate', 'evaluate', 'refine']);
      expect(result).toMatchObject({ output: 'draft 1', iterations: 1, stop_reason: 'time_limit' });
    });
  });
});
