import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { IdFilter } from './id-filter.js';

describe('IdFilter', () => {
  it('never forgets an id it was given, and rarely claims one it was not', () => {
    const filter = new IdFilter(10_000);
    const added = Array.from({ length: 10_000 }, () => randomUUID());
    for (const id of added) filter.add(id);
    expect(added.every((id) => filter.mightHave(id))).toBe(true);
    const others = Array.from({ length: 10_000 }, () => randomUUID());
    const falsePositives = others.filter((id) => filter.mightHave(id)).length;
    // Sized for 1 %: well under 3 % however the random ids fall.
    expect(falsePositives).toBeLessThan(300);
  });

  it('past its size answers "maybe" more often, never "no" for an id it has', () => {
    const filter = new IdFilter(10);
    const added = Array.from({ length: 1000 }, () => randomUUID());
    for (const id of added) filter.add(id);
    expect(added.every((id) => filter.mightHave(id))).toBe(true);
  });

  it('forgets everything when cleared', () => {
    const filter = new IdFilter(100);
    filter.add('a');
    filter.clear();
    expect(filter.mightHave('a')).toBe(false);
  });

  it('refuses a size that could hold nothing', () => {
    expect(() => new IdFilter(0)).toThrow(RangeError);
  });
});
