import { describe, expect, it } from '@jest/globals';
import { pullSize } from './pull-size.js';

describe('pullSize', () => {
  it('asks for the whole room when nothing is outstanding', () => {
    expect(pullSize(1, 0)).toBe(1);
    expect(pullSize(8, 0)).toBe(8);
  });

  it('asks for nothing when the room is already asked for, or there is none', () => {
    expect(pullSize(4, 4)).toBe(0);
    expect(pullSize(4, 6)).toBe(0);
    expect(pullSize(0, 0)).toBe(0);
    expect(pullSize(-2, 0)).toBe(0);
  });

  it('while requests are outstanding, waits until half the room is unasked for', () => {
    expect(pullSize(8, 7)).toBe(0);
    expect(pullSize(8, 5)).toBe(0);
    expect(pullSize(8, 4)).toBe(4);
    expect(pullSize(8, 1)).toBe(7);
    expect(pullSize(3, 2)).toBe(0);
    expect(pullSize(3, 1)).toBe(2);
  });

  it('a worker with room for one job asks as soon as that one is not asked for', () => {
    expect(pullSize(1, 1)).toBe(0);
    expect(pullSize(2, 1)).toBe(1);
  });

  it('takes one request per half-room, not one per freed child, as children free up one by one', () => {
    // Eight places, all asked for; jobs arrive and children finish one at a time.
    let owed = 8;
    let requests = 0;
    for (let job = 0; job < 80; job++) {
      owed--; // a job arrives
      const more = pullSize(8, owed); // its child finished: the room is back to 8
      if (more > 0) requests++;
      owed += more;
    }
    expect(requests).toBe(20);
  });
});
