import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { ChatMessage } from './model-provider.js';
import { evaluateMessages, generateMessages, planMessages, refineMessages, synthesizeMessages } from './prompts.js';
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

  it('writes, word for word, the texts it has always written', async () => {
    // Stored results and the tests of every service depend on them: a faster implementation must not change one byte.
    const provider = new SimulatedProvider({ latencyMs: 0 });
    const first = await provider.complete(generateMessages({ ...task, context: 'some context' }), { purpose: 'generate' });
    expect(first).toEqual({
      text: '[simulated] [simulated draft r1 ref 2e66abc0]\nSimulated answer to "Why is the sky blue?".\nIt covers the assumptions, sources of error.\n(Generated offline by the simulated provider; fingerprint 2953d81b845c.)',
      usage: { prompt_tokens: 40, completion_tokens: 52, total_tokens: 92 },
    });
    const texts: string[] = [];
    for (const question of ['Why is the sky blue?', 'What is the sum of the first 100 positive integers?', '  spaced\n\nquestion  ', '']) {
      const t = { question, context: question ? 'some context' : undefined };
      const call = (messages: ChatMessage[], purpose: Parameters<SimulatedProvider['complete']>[1]['purpose']) =>
        provider.complete(messages, { purpose });
      const draft = await call(generateMessages(t), 'generate');
      const review = await call(evaluateMessages(t, draft.text), 'evaluate');
      const refined = await call(refineMessages(t, draft.text, 'more'), 'refine');
      const again = await call(refineMessages(t, refined.text, 'more'), 'refine');
      const review2 = await call(evaluateMessages(t, again.text), 'evaluate');
      const outsider = await call(evaluateMessages(t, 'not simulated'), 'evaluate');
      const plan = await call(planMessages(t, 3), 'plan');
      const combined = await call(
        synthesizeMessages(t, [
          { role: 'A', output: draft.text },
          { role: 'B', output: refined.text },
        ]),
        'synthesize',
      );
      if (question === 'Why is the sky blue?') {
        expect(review.text).toBe(
          'SCORE: 0.51\nSTOP: no\nFEEDBACK: [simulated] Expand on the edge cases and tighten the reasoning (simulated review of draft r1).',
        );
      }
      for (const c of [draft, review, refined, again, review2, outsider, plan, combined]) texts.push(JSON.stringify(c));
    }
    // The digest of 32 answers (every purpose, revisions, an outsider's text) as the provider wrote them before.
    expect(createHash('sha256').update(texts.join('\n')).digest('hex')).toBe(
      '982a65845622e5b2ef616e3943ab808067f9f2a31a53b5d8d42159f0a4ba3b7a',
    );
  });
});
