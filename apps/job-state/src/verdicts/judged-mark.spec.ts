import { describe, expect, it } from '@jest/globals';
import { JudgedMark } from './judged-mark.js';

describe('the projector judged mark', () => {
  it('given a replica that is not projecting, then it does not know and says so at once', () => {
    expect(new JudgedMark().wait(5, 1000)).toBeNull();
  });

  it('given a projector started after 10, then 10 is judged and 12 once a batch reaches it', async () => {
    const mark = new JudgedMark();
    mark.reset(10);
    await expect(mark.wait(10, 1000)).resolves.toBe(true);
    const later = mark.wait(12, 10_000);
    mark.advance(11);
    mark.advance(13);
    await expect(later).resolves.toBe(true);
  });

  it('given a batch left unacked, then waiters fall back and later asks are not answered here', async () => {
    const mark = new JudgedMark();
    mark.reset(3);
    const waiting = mark.wait(8, 10_000);
    mark.lose();
    await expect(waiting).resolves.toBe(false);
    mark.advance(9);
    expect(mark.wait(8, 1000)).toBeNull();
  });

  it('given no batch gets there in time, then it answers false', async () => {
    const mark = new JudgedMark();
    mark.reset(1);
    await expect(mark.wait(2, 5)).resolves.toBe(false);
  });
});
