import { describe, expect, it } from '@jest/globals';
import { RecentCancels } from './recent-cancels.js';

describe('remembering cancels heard for jobs not held', () => {
  it('answers with the cancel event for a job heard of, and nothing for others', () => {
    const recent = new RecentCancels();
    recent.remember('a', 'cancel-a');
    expect(recent.get('a')).toBe('cancel-a');
    expect(recent.get('b')).toBeNull();
  });

  it('forgets the oldest beyond its size and anything older than its age', () => {
    let t = 0;
    const recent = new RecentCancels(2, 1000, () => t);
    recent.remember('a', '1');
    recent.remember('b', '2');
    recent.remember('c', '3');
    expect([recent.get('a'), recent.get('b'), recent.get('c')]).toEqual([null, '2', '3']);
    t = 1001;
    expect(recent.get('b')).toBeNull();
    recent.remember('d', '4');
    expect(recent.get('d')).toBe('4');
  });
});
