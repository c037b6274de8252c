import { describe, expect, it } from '@jest/globals';
import { ProgressThrottle } from './progress-throttle.js';

describe('progress throttling', () => {
  it('sends the first update at once and holds back a burst, keeping only the newest', () => {
    let t = 0;
    const sent: number[] = [];
    const throttle = new ProgressThrottle<number>(100, (v) => sent.push(v), () => t);
    for (let i = 1; i <= 50; i++) throttle.offer(i);
    expect(sent).toEqual([1]);
    throttle.flush();
    expect(sent).toEqual([1, 50]);
    throttle.flush();
    expect(sent).toEqual([1, 50]);
    t = 1000;
    throttle.offer(51);
    expect(sent).toEqual([1, 50, 51]);
    throttle.offer(52);
    throttle.cancel();
    expect(sent).toEqual([1, 50, 51]);
  });

  it('sends the held-back update when the interval ends, without waiting for another', async () => {
    const sent: string[] = [];
    const throttle = new ProgressThrottle<string>(20, (v) => sent.push(v));
    throttle.offer('a');
    throttle.offer('b');
    throttle.offer('c');
    expect(sent).toEqual(['a']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sent).toEqual(['a', 'c']);
  });
});
