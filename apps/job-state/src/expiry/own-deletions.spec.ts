import { describe, expect, it } from '@jest/globals';
import { OwnDeletions } from './own-deletions.js';

describe('own deletions', () => {
  it('remembers a job it is deleting for a while, then forgets it', () => {
    const own = new OwnDeletions();
    own.note(['a', 'b'], 1_000);
    expect(own.has('a', 1_001)).toBe(true);
    expect(own.has('c', 1_001)).toBe(false);
    expect(own.has('a', 11_000)).toBe(false);
    // Noting again later sweeps the forgotten ones out.
    own.note(['c'], 20_000);
    expect(own.has('b', 20_000)).toBe(false);
    expect(own.has('c', 20_001)).toBe(true);
  });
});
