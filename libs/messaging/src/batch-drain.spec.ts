import { describe, expect, it } from '@jest/globals';
import { BatchDrain, MAX_BATCH } from './batch-drain.js';

/** A handler that records its batches and finishes each one when told to. */
function gate() {
  const batches: number[][] = [];
  const open: (() => void)[] = [];
  const handle = (batch: number[]) => {
    batches.push(batch);
    return new Promise<void>((resolve) => open.push(resolve));
  };
  const next = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    open.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { batches, handle, next };
}

describe('the batching reader', () => {
  it('hands over what one read delivered as one batch, and what came meanwhile as the next, in order', async () => {
    const { batches, handle, next } = gate();
    const drain = new BatchDrain(handle);
    for (const n of [1, 2, 3]) drain.push(n);
    await next();
    expect(batches).toEqual([[1, 2, 3]]);
    drain.push(4);
    drain.push(5);
    expect(drain.size).toBe(2);
    await next();
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    await next();
    await drain.settled();
    expect(drain.size).toBe(0);
  });

  it('hands over at most maxBatch at a time (MAX_BATCH by default)', async () => {
    const seen: number[] = [];
    const drain = new BatchDrain<number>(async (batch) => void seen.push(batch.length), { maxBatch: 2 });
    for (let n = 0; n < 5; n++) drain.push(n);
    await new Promise((resolve) => setImmediate(resolve));
    await drain.settled();
    expect(seen).toEqual([2, 2, 1]);
    expect(MAX_BATCH).toBe(500);
  });

  it('stops handing over when told to, and gives back what it buffered', async () => {
    let go = true;
    const seen: number[][] = [];
    const drain = new BatchDrain<number>(
      async (batch) => {
        seen.push(batch);
        go = false;
      },
      { maxBatch: 1, shouldContinue: () => go },
    );
    for (const n of [1, 2, 3]) drain.push(n);
    await new Promise((resolve) => setImmediate(resolve));
    await drain.settled();
    expect(seen).toEqual([[1]]);
    expect(drain.takeAll()).toEqual([2, 3]);
    expect(drain.size).toBe(0);
  });

  it('reports a failed batch to onError and drains again on the next message', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const seen: number[][] = [];
    const drain = new BatchDrain<number>(
      async (batch) => {
        if (fail) throw new Error('redis down');
        seen.push(batch);
      },
      { onError: (error) => errors.push(error) },
    );
    drain.push(1);
    await new Promise((resolve) => setImmediate(resolve));
    await drain.settled();
    expect(errors).toEqual([new Error('redis down')]);
    fail = false;
    drain.push(2);
    await new Promise((resolve) => setImmediate(resolve));
    await drain.settled();
    expect(seen).toEqual([[2]]);
  });
});
