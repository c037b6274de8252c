import { describe, expect, it } from '@jest/globals';
import { forEachLimited } from './for-each-limited.js';

describe('forEachLimited', () => {
  it('runs every item, never more than the limit at once, and reports failures without stopping', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    const failed: number[] = [];
    await forEachLimited(
      Array.from({ length: 20 }, (_, i) => i),
      3,
      async (i) => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
        if (i % 7 === 0) throw new Error(`item ${i}`);
        done.push(i);
      },
      (i) => failed.push(i),
    );
    expect(most).toBe(3);
    expect(failed).toEqual([0, 7, 14]);
    expect(done.length + failed.length).toBe(20);
  });
});
