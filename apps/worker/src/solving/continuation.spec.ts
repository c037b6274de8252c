import { describe, expect, it } from '@jest/globals';
import { evolveSeedOf } from './continuation.js';
import { InvalidJobError } from './provider-error.js';

const round = (iteration: number, score = 0.5) => ({
  iteration,
  candidate: `c${iteration}`,
  score,
  feedback: `f${iteration}`,
  stop: false,
});

describe('evolveSeedOf', () => {
  it('given no continuation, then there is no seed', () => {
    expect(evolveSeedOf(undefined)).toBeNull();
    expect(evolveSeedOf(null)).toBeNull();
  });

  it('given an origin’s rounds and best, then the loop starts from them', () => {
    expect(evolveSeedOf({ iterations: [round(1, 0.6), round(2)], best: { output: 'c1', score: 0.6, iteration: 1 } })).toEqual({
      history: [round(1, 0.6), round(2)],
      best: { output: 'c1', score: 0.6, iteration: 1 },
    });
  });

  it.each([
    ['no rounds', { iterations: [], best: { output: 'x', score: 0.5, iteration: 1 } }, /no earlier iterations/],
    [
      'a gap in the numbering',
      { iterations: [round(1), round(3)], best: { output: 'x', score: 0.5, iteration: 1 } },
      /iteration 2 is malformed/,
    ],
    ['a score out of range', { iterations: [round(1, 7)], best: { output: 'x', score: 0.5, iteration: 1 } }, /iteration 1 is malformed/],
    ['no best', { iterations: [round(1)] }, /no valid best candidate/],
  ])('given %s, then the job fails with a message that says so', (_name, seed, message) => {
    expect(() => evolveSeedOf(seed as never)).toThrow(InvalidJobError);
    expect(() => evolveSeedOf(seed as never)).toThrow(message);
  });
});
