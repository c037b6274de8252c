import { describe, expect, it } from '@jest/globals';
import { RecentRuns } from './recent-runs.js';

describe('RecentRuns', () => {
  it('knows nothing before the first run', () => {
    expect(new RecentRuns().typicalMs()).toBeNull();
  });

  it('answers the median of the runs kept', () => {
    const runs = new RecentRuns(5);
    for (const ms of [30, 10, 20]) runs.note(ms);
    expect(runs.typicalMs()).toBe(20);
    runs.note(40);
    expect(runs.typicalMs()).toBe(30);
  });

  it('is not moved by one slow run among short ones', () => {
    const runs = new RecentRuns(9);
    for (let i = 0; i < 9; i++) runs.note(10);
    runs.note(400);
    expect(runs.typicalMs()).toBe(10);
  });

  it('follows once most recent runs are long, forgetting the oldest', () => {
    const runs = new RecentRuns(5);
    for (let i = 0; i < 5; i++) runs.note(10);
    for (let i = 0; i < 2; i++) runs.note(500);
    expect(runs.typicalMs()).toBe(10);
    runs.note(500);
    expect(runs.typicalMs()).toBe(500);
  });

  it('refuses to keep no runs', () => {
    expect(() => new RecentRuns(0)).toThrow(RangeError);
  });
});
