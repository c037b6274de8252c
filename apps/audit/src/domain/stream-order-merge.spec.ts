import { describe, expect, it } from '@jest/globals';
import { probeVerdict, StreamOrderMerge } from './stream-order-merge.js';

describe('StreamOrderMerge', () => {
  it('holds an item until every other source is covered up to it, then releases in stream order', () => {
    const merge = new StreamOrderMerge<string>(['deleted', 'restored', 'cancel']);
    merge.add('restored', 12, 'restore of job a');
    expect(merge.release()).toEqual([]);
    expect(merge.behind()).toEqual({ sources: ['deleted', 'cancel'], upTo: 12 });

    // The backlogged deletion of the same job arrives after its restore.
    merge.add('deleted', 10, 'deletion of job a');
    expect(merge.release()).toEqual([]);
    expect(merge.behind()).toEqual({ sources: ['deleted', 'cancel'], upTo: 12 });

    merge.coverUpTo('cancel', 12);
    merge.coverUpTo('deleted', 12);
    expect(merge.release()).toEqual(['deletion of job a', 'restore of job a']);
    expect(merge.size).toBe(0);
    expect(merge.behind()).toEqual({ sources: [], upTo: 0 });
  });

  it('releases what every source is covered for and keeps the rest', () => {
    const merge = new StreamOrderMerge<number>(['a', 'b']);
    merge.add('a', 1, 1);
    merge.add('a', 5, 5);
    merge.add('b', 3, 3);
    // b delivered 3, so it has nothing below 3 left; a is covered to 5.
    expect(merge.release()).toEqual([1, 3]);
    expect(merge.heldFrom('a')).toBe(1);
    expect(merge.behind()).toEqual({ sources: ['b'], upTo: 5 });
    merge.add('b', 7, 7);
    expect(merge.release()).toEqual([5]);
    expect(merge.peek()).toEqual([7]);
  });

  it('puts a redelivery below the held items in its place', () => {
    const merge = new StreamOrderMerge<number>(['a', 'b']);
    merge.add('a', 8, 8);
    merge.add('a', 4, 4);
    merge.coverUpTo('b', 8);
    expect(merge.release()).toEqual([4, 8]);
  });

  it('forgets every coverage when emptied, since what it hands back comes again below it', () => {
    const merge = new StreamOrderMerge<number>(['a', 'b']);
    merge.add('a', 2, 2);
    merge.add('b', 3, 3);
    expect(merge.release()).toEqual([2]);
    expect(merge.takeAll()).toEqual([3]);
    merge.add('b', 3, 3);
    expect(merge.release()).toEqual([]);
    expect(merge.behind()).toEqual({ sources: ['a'], upTo: 3 });
  });

  it('refuses an unknown source and a merge of nothing', () => {
    expect(() => new StreamOrderMerge<number>([])).toThrow(RangeError);
    expect(() => new StreamOrderMerge<number>(['a']).add('b', 1, 1)).toThrow(/unknown source b/);
  });
});

describe('probeVerdict', () => {
  it('reads a 404 as nothing left, a message as one to hand back, anything else as unknown', () => {
    expect(probeVerdict(404, false)).toBe('nothing-left');
    expect(probeVerdict(0, true)).toBe('message');
    expect(probeVerdict(408, false)).toBe('unknown');
    // 409: a message is waiting; the one-byte probe leaves it to the pulls.
    expect(probeVerdict(409, false)).toBe('unknown');
    expect(probeVerdict(0, false)).toBe('unknown');
  });
});
