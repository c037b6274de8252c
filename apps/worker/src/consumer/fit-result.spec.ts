import { describe, expect, it } from '@jest/globals';
import type { SolveResult } from '@crux/contracts';
import { fitResult } from './fit-result.js';

const result = (output: string, candidate: string): SolveResult => ({
  output,
  iterations: 2,
  total_tokens: 10,
  processing_time: 1,
  converged: false,
  stop_reason: 'max_iters',
  metadata: {
    provider: 'simulated',
    history: [
      { iteration: 1, candidate, score: 0.5 },
      { iteration: 2, candidate, score: 0.6 },
    ],
  },
});

const bytes = (r: SolveResult) => Buffer.byteLength(JSON.stringify({ result: r }));

describe('fitting a result into one message', () => {
  it('leaves a result that fits untouched', () => {
    const small = result('answer', 'draft');
    expect(fitResult(small, 1024 * 1024)).toBe(small);
  });

  it('shortens the history first and keeps the answer whole', () => {
    const big = result('the answer', 'x'.repeat(600_000));
    const fitted = fitResult(big, 1024 * 1024);
    expect(bytes(fitted)).toBeLessThanOrEqual(1024 * 1024 - 16 * 1024);
    expect(fitted.output).toBe('the answer');
    expect(fitted.metadata.truncated).toMatch(/shortened/);
    expect((fitted.metadata.history as Array<{ score: number }>).map((h) => h.score)).toEqual([0.5, 0.6]);
  });

  it('cuts the answer itself only when it alone is too big, and says so', () => {
    const fitted = fitResult(result('y'.repeat(2_000_000), 'draft'), 1024 * 1024);
    expect(bytes(fitted)).toBeLessThanOrEqual(1024 * 1024 - 16 * 1024);
    expect(fitted.output).toMatch(/\[truncated to fit the message size limit\]$/);
  });
});
