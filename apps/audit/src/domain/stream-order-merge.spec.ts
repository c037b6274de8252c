import { describe, expect, it } from '@jest/globals';
import { coversUpTo, StreamOrderMerge, type ConsumerProgress } from './stream-order-merge.js';

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

describe('coversUpTo', () => {
  const quiet: ConsumerProgress = { numPending: 0, deliveredStreamSeq: 40, deliveredConsumerSeq: 9, numAckPending: 0 };

  it('covers a consumer with nothing pending and nothing on its way', () => {
    expect(coversUpTo(quiet, { lastDeliverySeq: 9, unsettled: 0 }, 100, false)).toBe(true);
  });

  it('covers one with a backlog only up to what it has delivered', () => {
    const backlog = { ...quiet, numPending: 500, deliveredStreamSeq: 120 };
    expect(coversUpTo(backlog, { lastDeliverySeq: 9, unsettled: 0 }, 100, false)).toBe(true);
    expect(coversUpTo(backlog, { lastDeliverySeq: 9, unsettled: 0 }, 130, false)).toBe(false);
    expect(coversUpTo(backlog, { lastDeliverySeq: 9, unsettled: 0 }, 130, true)).toBe(false);
  });

  it('waits for a delivery still on its way, or one handed back and not yet redelivered, unless lenient', () => {
    const inFlight = { ...quiet, deliveredConsumerSeq: 10, numAckPending: 1 };
    expect(coversUpTo(inFlight, { lastDeliverySeq: 9, unsettled: 0 }, 100, false)).toBe(false);
    expect(coversUpTo(inFlight, { lastDeliverySeq: 10, unsettled: 1 }, 100, false)).toBe(true);
    const handedBack = { ...quiet, numAckPending: 2 };
    expect(coversUpTo(handedBack, { lastDeliverySeq: 9, unsettled: 1 }, 100, false)).toBe(false);
    expect(coversUpTo(handedBack, { lastDeliverySeq: 9, unsettled: 1 }, 100, true)).toBe(true);
  });
});
