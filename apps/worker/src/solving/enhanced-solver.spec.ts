import { describe, expect, it } from '@jest/globals';
import { solveEnhanced } from './enhanced-solver.js';
import type { ChatMessage, Completion, CompletionOptions, ModelProvider } from './model-provider.js';
import type { SolveProgress } from './progress.js';
import { SimulatedProvider } from './simulated-provider.js';

class RecordingProvider implements ModelProvider {
  readonly name = 'simulated';
  readonly simulated = true;
  readonly calls: Array<{ purpose: string; messages: readonly ChatMessage[] }> = [];
  private readonly inner = new SimulatedProvider({ latencyMs: 0 });

  complete(messages: readonly ChatMessage[], options: CompletionOptions) {
    this.calls.push({ purpose: options.purpose, messages });
    return this.inner.complete(messages, options);
  }
}

const params = { question: 'Why is the sky blue?', num_specialists: 3, specialist_max_iters: 2, professor_max_iters: 2 };

describe('enhanced solve', () => {
  it('plans the specialists, runs each one’s loop from its role, then synthesises their answers', async () => {
    const provider = new RecordingProvider();
    const result = await solveEnhanced(provider, params);
    const meta = result.metadata as {
      plan: Array<{ name: string }>;
      specialists: Array<{ role: string; iterations: number; output: string }>;
      history: unknown[];
    };

    expect(provider.calls[0].purpose).toBe('plan');
    expect(meta.plan).toHaveLength(3);
    expect(meta.specialists.map((s) => s.role)).toEqual(meta.plan.map((r) => r.name));
    for (const s of meta.specialists) expect(s.iterations).toBeLessThanOrEqual(2);

    const specialistCalls = provider.calls.filter((c) => c.purpose === 'generate');
    expect(specialistCalls).toHaveLength(3);
    specialistCalls.forEach((call, i) => expect(call.messages[0].content).toContain(meta.plan[i].name));

    const synthesis = provider.calls.find((c) => c.purpose === 'synthesize')!;
    for (const s of meta.specialists) expect(synthesis.messages.at(-1)!.content).toContain(s.output);
    expect(provider.calls.indexOf(synthesis)).toBeGreaterThan(provider.calls.lastIndexOf(specialistCalls[2]));

    const expectedCalls = 1 + meta.specialists.reduce((n, s) => n + 2 * s.iterations, 0) + 2 * result.iterations;
    expect(provider.calls).toHaveLength(expectedCalls);
    expect(result.iterations).toBeLessThanOrEqual(2);
    expect(meta.history).toHaveLength(result.iterations);
    expect(result.metadata).toMatchObject({ mode: 'enhanced', provider: 'simulated', simulated: true });
    expect(result.total_tokens).toBeGreaterThan(0);
  });

  it('reports planning, each specialist by role and iteration, then synthesis, with progress rising to 1', async () => {
    const updates: SolveProgress[] = [];
    const result = await solveEnhanced(new SimulatedProvider({ latencyMs: 0 }), params, { onProgress: (u) => updates.push(u) });
    const roles = (result.metadata.plan as Array<{ name: string }>).map((r) => r.name);
    const phases = updates.map((u) => u.current_phase);

    expect(phases[0]).toBe('planning');
    expect(phases).toContain(`specialist 1/3 (${roles[0]}): iteration 1/2: generating`);
    expect(phases).toContain(`specialist 3/3 (${roles[2]}): iteration 1/2: evaluating`);
    const firstSynthesis = phases.findIndex((p) => p.startsWith('synthesis'));
    expect(phases[firstSynthesis]).toBe('synthesis: iteration 1/2: generating');
    expect(phases.slice(firstSynthesis).some((p) => p.startsWith('specialist'))).toBe(false);
    expect(phases.at(-1)).toBe('done');

    expect(updates[0].progress).toBe(0);
    for (let i = 1; i < updates.length; i++) expect(updates[i].progress).toBeGreaterThanOrEqual(updates[i - 1].progress);
    expect(updates.at(-1)!.progress).toBe(1);
    expect(updates.at(-1)!.partial_results).toMatchObject({ output: result.output, source: 'synthesis' });
    expect(updates.find((u) => u.partial_results)!.partial_results).toMatchObject({ source: `specialist 1 (${roles[0]})` });
  });

  it('gives the same result for the same request', async () => {
    const a = await solveEnhanced(new SimulatedProvider({ latencyMs: 0 }), params);
    const b = await solveEnhanced(new SimulatedProvider({ latencyMs: 0 }), params);
    expect({ ...b, processing_time: 0 }).toEqual({ ...a, processing_time: 0 });
  });

  describe('options from the original API', () => {
    /** A model that never converges, so every loop runs to its limit and call counts are exact. */
    class NeverSatisfied implements ModelProvider {
      readonly name = 'never-satisfied';
      readonly simulated = true;
      readonly calls: CompletionOptions[] = [];

      async complete(_messages: readonly ChatMessage[], options: CompletionOptions): Promise<Completion> {
        this.calls.push(options);
        const text =
          options.purpose === 'plan'
            ? '1. Physicist: optics\n2. Chemist: the air\n3. Painter: colour'
            : options.purpose === 'evaluate'
              ? `SCORE: 0.5\nSTOP: no\nFEEDBACK: more (${this.calls.length})`
              : `draft ${this.calls.length}`;
        return { text, usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } };
      }
    }
    const count = (calls: CompletionOptions[], purpose: string) => calls.filter((c) => c.purpose === purpose).length;
    const base = { question: 'Why is the sky blue?', num_specialists: 3, specialist_max_iters: 3, professor_max_iters: 2 };

    it('specialist_max_iters and professor_max_iters bound the loops they name', async () => {
      const provider = new NeverSatisfied();
      const result = await solveEnhanced(provider, base);
      const meta = result.metadata as { specialists: Array<{ iterations: number; history: unknown[] }>; history: unknown[] };
      expect(meta.specialists.map((s) => s.iterations)).toEqual([3, 3, 3]);
      expect(meta.specialists.map((s) => s.history.length)).toEqual([3, 3, 3]);
      expect(result.iterations).toBe(2);
      expect(meta.history).toHaveLength(2);
      // 1 plan; per specialist 1 generate + 2 refines + 3 reviews; synthesis 1 + 1 refine + 2 reviews.
      expect(count(provider.calls, 'generate')).toBe(3);
      expect(count(provider.calls, 'refine')).toBe(3 * 2 + 1);
      expect(count(provider.calls, 'evaluate')).toBe(3 * 3 + 2);
      expect(provider.calls).toHaveLength(1 + 3 * 6 + 4);
      expect(result.total_tokens).toBe(2 * provider.calls.length);

      const shorter = new NeverSatisfied();
      const short = await solveEnhanced(shorter, { ...base, specialist_max_iters: 1, professor_max_iters: 1 });
      expect(short.iterations).toBe(1);
      expect(shorter.calls).toHaveLength(1 + 3 * 2 + 2);
    });

    it('nested_self_evolve false gives each specialist a single pass: one draft, one review, no refinement', async () => {
      const provider = new NeverSatisfied();
      const updates: string[] = [];
      const result = await solveEnhanced(
        provider,
        { ...base, nested_self_evolve: false },
        { onProgress: (u) => updates.push(u.current_phase) },
      );
      const meta = result.metadata as {
        options: Record<string, unknown>;
        specialists: Array<{ iterations: number; history: unknown[]; output: string }>;
      };
      expect(meta.specialists.map((s) => s.iterations)).toEqual([1, 1, 1]);
      expect(meta.specialists.every((s) => s.history.length === 1 && s.output.startsWith('draft'))).toBe(true);
      expect(count(provider.calls, 'generate')).toBe(3);
      // The only refinements left are the professor's.
      expect(count(provider.calls, 'refine')).toBe(1);
      expect(provider.calls).toHaveLength(1 + 3 * 2 + 4);
      expect(updates).toContain('specialist 2/3 (Chemist): iteration 1/1: evaluating');
      expect(meta.options).toMatchObject({ nested_self_evolve: false, specialist_max_iters: 3, professor_max_iters: 2 });

      const nested = await solveEnhanced(new NeverSatisfied(), { ...base, nested_self_evolve: true });
      expect((nested.metadata as { options: Record<string, unknown> }).options).toMatchObject({ nested_self_evolve: true });
    });

    it('passes reasoning_effort to every model call and temperature to every writing call', async () => {
      const provider = new NeverSatisfied();
      await solveEnhanced(provider, { ...base, reasoning_effort: 'high', temperature: 0.3, model: 'm1' });
      expect(provider.calls.every((c) => c.reasoning_effort === 'high' && c.model === 'm1')).toBe(true);
      expect(provider.calls.filter((c) => c.purpose !== 'evaluate').every((c) => c.temperature === 0.3)).toBe(true);

      const plain = new NeverSatisfied();
      await solveEnhanced(plain, base);
      expect(plain.calls.some((c) => 'reasoning_effort' in c)).toBe(false);
    });
  });
});
