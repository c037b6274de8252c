import { describe, expect, it } from '@jest/globals';
import { ProgressThrottle } from './progress-throttle.js';

describe('progress throttling', () => {
  it('sends nothing in the first interval from the start, then holds back a burst, keeping only the newest', () => {
    let t = 0;
    const sent: number[] = [];
    const throttle = new ProgressThrottle<number>(
      100,
      (v) => sent.push(v),
      () => t,
    );
    throttle.offer(1);
    expect(sent).toEqual([]);
    t = 100;
    throttle.offer(2);
    // Held for the timer set by the first offer, which is due now.
    throttle.flush();
    expect(sent).toEqual([2]);
    for (let i = 3; i <= 50; i++) throttle.offer(i);
    expect(sent).toEqual([2]);
    throttle.flush();
    expect(sent).toEqual([2, 50]);
    throttle.flush();
    expect(sent).toEqual([2, 50]);
    t = 1000;
    throttle.offer(51);
    expect(sent).toEqual([2, 50, 51]);
    throttle.offer(52);
    throttle.cancel();
    expect(sent).toEqual([2, 50, 51]);
  });

  it('publishes nothing for a job that ends within its first interval', () => {
    let t = 0;
    const sent: number[] = [];
    const throttle = new ProgressThrottle<number>(
      100,
      (v) => sent.push(v),
      () => t,
    );
    throttle.offer(1);
    t = 40;
    throttle.offer(2);
    // The job ends: its outcome says more than any held-back update.
    throttle.cancel();
    expect(sent).toEqual([]);
  });

  it('sends the held-back update when the interval ends, without waiting for another', async () => {
    const sent: string[] = [];
    const throttle = new ProgressThrottle<string>(20, (v) => sent.push(v));
    throttle.offer('a');
    throttle.offer('b');
    throttle.offer('c');
    expect(sent).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sent).toEqual(['c']);
  });
});
