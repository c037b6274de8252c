import { describe, expect, it } from '@jest/globals';
import { StreamQuota, type StreamSlot } from './stream-quota.js';

const slot = (value: StreamSlot | string): StreamSlot => {
  if (typeof value === 'string') throw new Error(`refused: ${value}`);
  return value;
};

describe('StreamQuota', () => {
  it('refuses a key its next stream once it holds its share, sparing other keys', () => {
    const quota = new StreamQuota(2, 10);
    slot(quota.acquire('a'));
    slot(quota.acquire('a'));
    expect(quota.acquire('a')).toBe('key');
    slot(quota.acquire('b'));
    expect(quota.size).toBe(3);
  });

  it('refuses everyone once the gateway holds all it may', () => {
    const quota = new StreamQuota(5, 2);
    slot(quota.acquire('a'));
    slot(quota.acquire('b'));
    expect(quota.acquire('c')).toBe('gateway');
  });

  it('gives a slot back once, however often it is released', () => {
    const quota = new StreamQuota(1, 10);
    const first = slot(quota.acquire('a'));
    slot(quota.acquire('b'));
    first.release();
    first.release();
    expect([quota.held('a'), quota.held('b'), quota.size]).toEqual([0, 1, 1]);
    slot(quota.acquire('a'));
  });
});
