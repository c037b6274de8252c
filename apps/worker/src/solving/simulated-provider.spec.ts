import { describe, expect, it } from '@jest/globals';
import type { ChatMessage } from './model-provider.js';
import { evaluateMessages, generateMessages, planMessages } from './prompts.js';
import { estimateTokens, SIMULATED_MARK, SimulatedProvider, simulatedScore } from './simulated-provider.js';

const task = { question: 'Why is the sky blue?' };

describe('the simulated provider', () => {
  it('answers the same request with the same text and usage', async () => {
    const a = new SimulatedProvider({ latencyMs: 0 });
    const b = new SimulatedProvider({ latencyMs: 0 });
    const first = await a.complete(generateMessages(task), { purpose: 'generate' });
    const again = await b.complete(generateMessages(task), { purpose: 'generate' });
    expect(again).toEqual(first);
    const other = await a.complete(generateMessages({ question: 'Why is grass green?' }), { purpose: 'generate' });
    expect(other.text).not.toEqual(first.text);
  });

  it('at 0 ms latency answers within the same turn of the event loop, with no timer', async () => {
    const provider = new SimulatedProvider({ latencyMs: 0 });
    let answered = false;
    void provider.complete(generateMessages(task), { purpose: 'generate' }).then(() => (answered = true));
    // Only microtasks run here; a timer, even one of 0 ms, would need another turn.
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(answered).toBe(true);
  });

  it('says it is simulated, in its name and in every text it writes', async () => {
    const provider = new SimulatedProvider({ latencyMs: 0 });
    expect(provider.name).toBe('simulated');
    expect(provider.simulated).toBe(true);
    for (const [messages, purpose] of [
      [generateMessages(task), 'generate'],
      [evaluateMessages(task, 'Rayleigh scattering.'), 'evaluate'],
      [planMessages(task, 2), 'plan'],
    ] as const) {
      const { text } = await provider.complete(messages, { purpose });
      expect(text).toContain(SIMULATED_MARK);
    }
  });

  it('counts tokens from the lengths of the prompt and the answer', async () => {
    const provider = new SimulatedProvider({ latencyMs: 0 });
    const messages: ChatMessage[] = generateMessages(task);
    const { text, usage } = await provider.complete(messages, { purpose: 'generate' });
    const promptChars = messages.reduce((n, m) => n + m.content.length, 0);
    expect(usage.prompt_tokens).toBe(estimateTokens(promptChars));
    expect(usage.completion_tokens).toBe(estimateTokens(text.length));
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    expect(usage.total_tokens).toBeGreaterThan(0);
  });

  it('takes its latency on a timer: the answer is not there before the timer fires', async () => {
    const provider = new SimulatedProvider({ latencyMs: 300 });
    let settled = false;
    const call = provider.complete(generateMessages(task), { purpose: 'generate' }).finally(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    await expect(call).resolves.toHaveProperty('text');
    expect(settled).toBe(true);
  });

  it('scores a refined draft of the same question at least as high as the draft before', () => {
    for (const ref of ['00000000', '1234abcd', 'fbb5e7b0', 'ffffffff']) {
      const scores = [1, 2, 3, 4, 5, 6].map((revision) => simulatedScore(ref, revision));
      for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeGreaterThanOrEqual(scores[i - 1]);
      expect(scores.at(-1)!).toBeGreaterThan(scores[0]);
    }
  });

  it('plans as many specialists as the prompt asks for', async () => {
    const provider = new SimulatedProvider({ latencyMs: 0 });
    const { text } = await provider.complete(planMessages(task, 4), { purpose: 'plan' });
    expect(text.split('\n').filter((line) => /^\d+\. [^:]+: .+/.test(line))).toHaveLength(4);
  });
});
