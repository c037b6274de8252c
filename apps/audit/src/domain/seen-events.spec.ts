import { describe, expect, it } from '@jest/globals';
import { SeenEvents } from './seen-events.js';

describe('SeenEvents', () => {
  it('forgets the oldest ids beyond its capacity, and then no longer claims to be complete', () => {
    const seen = new SeenEvents(3);
    for (const id of ['a', 'b', 'c']) seen.add(id);
    seen.add('b');
    expect(seen.complete).toBe(true);
    seen.add('d');
    expect(['a', 'b', 'c', 'd'].map((id) => seen.has(id))).toEqual([false, true, true, true]);
    expect(seen.size).toBe(3);
    expect(seen.complete).toBe(false);
  });

  it('starts incomplete when loaded from only the tail of the trail', () => {
    const seen = new SeenEvents(10, false);
    expect(seen.complete).toBe(false);
    seen.clear(true);
    expect(seen.complete).toBe(true);
  });

  it('still proves an id never recorded after forgetting some, as long as it started whole', () => {
    const seen = new SeenEvents(2);
    for (const id of ['a', 'b', 'c', 'd']) seen.add(id);
    expect(seen.complete).toBe(false);
    // 'a' was forgotten by the exact set, not by the filter: not proven new, it must be looked up.
    expect(seen.has('a')).toBe(false);
    expect(seen.neverRecorded('a')).toBe(false);
    expect(seen.neverRecorded('d')).toBe(false);
    expect(seen.neverRecorded('e')).toBe(true);
  });

  it('proves nothing new when loaded from only the tail of the trail, until loaded whole again', () => {
    const seen = new SeenEvents(2, false);
    seen.add('a');
    expect(seen.neverRecorded('z')).toBe(false);
    seen.clear(false);
    expect(seen.neverRecorded('z')).toBe(false);
    seen.clear(true);
    expect(seen.neverRecorded('z')).toBe(true);
    for (const id of ['a', 'b', 'c']) seen.add(id);
    expect(seen.neverRecorded('a')).toBe(false);
    expect(seen.neverRecorded('z')).toBe(true);
  });

  it('refuses a capacity that could hold nothing', () => {
    expect(() => new SeenEvents(0)).toThrow(RangeError);
  });
});
