import { describe, expect, it } from '@jest/globals';
import { DecayingCount } from './decaying-count.js';

describe('DecayingCount', () => {
  it('adds up what happened lately and forgets what happened long ago', () => {
    const count = new DecayingCount(1000);
    expect(count.value(0)).toBe(0);
    count.add(10, 0);
    count.add(5, 0);
    expect(count.value(0)).toBe(15);
    expect(count.value(1000)).toBeCloseTo(15 / Math.E, 5);
    expect(count.value(10_000)).toBeLessThan(0.001);
    count.add(1, 10_000);
    expect(count.value(10_000)).toBeCloseTo(1, 2);
  });
});
