import { describe, expect, it } from '@jest/globals';
import { solveEnhanced } from './enhanced-solver.js';
import type { ChatMessage, CompletionOptions, ModelProvider } from './model-provider.js';
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
});
