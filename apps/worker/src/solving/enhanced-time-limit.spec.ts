import { describe, expect, it } from '@jest/globals';
import { solveEnhanced } from './enhanced-solver.js';
import type { ChatMessage, CompletionOptions, ModelProvider } from './model-provider.js';
import { SimulatedProvider } from './simulated-provider.js';

class CountingProvider implements ModelProvider {
  readonly name = 'simulated';
  readonly simulated = true;
  readonly purposes: string[] = [];
  private readonly inner = new SimulatedProvider({ latencyMs: 0 });

  complete(messages: readonly ChatMessage[], options: CompletionOptions) {
    this.purposes.push(options.purpose);
    return this.inner.complete(messages, options);
  }
}

const params = { question: 'Explain quicksort.', num_specialists: 3, specialist_max_iters: 3, professor_max_iters: 3 };

describe('enhanced solve under the soft time limit', () => {
  it('given time is up once the first specialist has an answer, then the rest are skipped and the synthesis stops after one round as time_limit', async () => {
    const provider = new CountingProvider();
    const result = await solveEnhanced(provider, params, { timeUp: () => provider.purposes.includes('evaluate') });
    const meta = result.metadata as { specialists: unknown[] };
    expect(meta.specialists).toHaveLength(1);
    expect(provider.purposes).toEqual(['plan', 'generate', 'evaluate', 'synthesize', 'evaluate']);
    expect(result).toMatchObject({ stop_reason: 'time_limit', converged: false, output: expect.stringMatching(/^\[simulated\]/) });
  });

  it('given time never runs out, then it is not reported as time_limit', async () => {
    const result = await solveEnhanced(new CountingProvider(), params, { timeUp: () => false });
    expect(result.stop_reason).not.toBe('time_limit');
    expect((result.metadata as { specialists: unknown[] }).specialists).toHaveLength(3);
  });
});
