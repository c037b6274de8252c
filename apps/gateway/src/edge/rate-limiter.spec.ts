import { describe, expect, it } from '@jest/globals';
import { RateLimiter } from './rate-limiter.js';

function clocked(perSecond: number, burst: number) {
  let now = 0;
  const limiter = new RateLimiter(perSecond, burst, () => now);
  return { limiter, advance: (ms: number) => (now += ms) };
}

describe('RateLimiter', () => {
  it('allows a burst, then refuses with the seconds until the next token', () => {
    const { limiter } = clocked(2, 3);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(1);
  });

  it('refills at the rate, never beyond the burst', () => {
    const { limiter, advance } = clocked(2, 3);
    for (let i = 0; i < 3; i++) limiter.take('a');
    advance(500);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(1);
    advance(60_000);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0, 1]);
  });

  it('keeps one bucket per key', () => {
    const { limiter } = clocked(1, 1);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(1);
    expect(limiter.take('b')).toBe(0);
  });

  it('says how long to wait when the rate is below one per second', () => {
    const { limiter } = clocked(0.1, 1);
    limiter.take('a');
    expect(limiter.take('a')).toBe(10);
  });
});
