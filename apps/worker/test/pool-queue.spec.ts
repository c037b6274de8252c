/**
 * A job queued on a busy child (one per child, while every child is busy): against real
 * child processes, what must hold whatever happens to the child or the job meanwhile.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { waitFor } from '@crux/test-harness';
import type { SolveProgress } from '../src/solving/progress.js';
import { RunAbortedError, RunDeferredError, type WorkerPool } from '../src/pool/worker-pool.js';
import { basicSpec, processExists, testPool } from './pool-helpers.js';

/** Blocks this process's event loop: the child's messages pile up unread meanwhile. */
function blockFor(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('a job queued on a busy child', () => {
  const pools: WorkerPool[] = [];
  const open = (pool: WorkerPool) => (pools.push(pool), pool);

  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.close(500)));
  });

  /** A pool of one child running `first` (long enough to queue behind), once it has begun working. */
  async function busyPool(latencyMs: number, iters = 10, extra: Parameters<typeof testPool>[2] = {}) {
    const pool = open(testPool(1, latencyMs, extra));
    await pool.start();
    const seen: SolveProgress[] = [];
    const first = await pool.run(basicSpec('first', iters), { onProgress: (p) => seen.push(p) });
    await waitFor(() => seen.length > 0, { what: 'the first job to start working' });
    return { pool, first };
  }

  it('starts on the same child once the job before ends, its start before any of its progress', async () => {
    const { pool, first } = await busyPool(50, 3);
    const events: string[] = [];
    const next = pool.run(basicSpec('next', 2), {
      onStart: (pid) => events.push(`start ${pid}`),
      onProgress: () => events.push('progress'),
    });
    expect(pool.queuedJobs()).toEqual(['next']);
    expect(pool.runningJobs()).toEqual(['first']);
    expect((await first.outcome).kind).toBe('completed');
    const running = await next;
    expect(running.pid).toBe(first.pid);
    expect((await running.outcome).kind).toBe('completed');
    expect(events[0]).toBe(`start ${first.pid}`);
    expect(events.filter((e) => e === 'progress').length).toBeGreaterThan(0);
    expect(events.filter((e) => e.startsWith('start'))).toHaveLength(1);
  });

  it('is not queued with the option off: it waits in the pool', async () => {
    const { pool, first } = await busyPool(50, 3, { queueOnBusy: false });
    const next = pool.run(basicSpec('next', 1));
    expect(pool.queuedJobs()).toEqual([]);
    expect((await first.outcome).kind).toBe('completed');
    expect((await (await next).outcome).kind).toBe('completed');
  });

  it('withdrawn (a cancel, or the worker stopping), is taken out of its child: it never starts, and no child is killed', async () => {
    const { pool, first } = await busyPool(100);
    const withdraw = new AbortController();
    let started = false;
    const queued = pool.run(basicSpec('withdrawn', 1), { onStart: () => (started = true) }, { signal: withdraw.signal });
    expect(pool.queuedJobs()).toEqual(['withdrawn']);
    withdraw.abort();
    await expect(queued).rejects.toBeInstanceOf(RunAbortedError);
    expect(pool.queuedJobs()).toEqual([]);
    // The cancel of a queued job is no revoke: its child runs on.
    expect(await pool.revoke('withdrawn', 10)).toMatchObject({ terminated: false, outcome: 'not-running', pid: null });
    expect(processExists(first.pid)).toBe(true);
    expect(pool.runningJobs()).toEqual(['first']);
    expect((await first.outcome).kind).toBe('completed');
    const after = await pool.run(basicSpec('after', 1));
    expect(after.pid).toBe(first.pid);
    expect((await after.outcome).kind).toBe('completed');
    expect(started).toBe(false);
  });

  it('withdrawn after its child started it (the withdrawal crossed the outcome before it) is running: the caller revokes it, and only that child dies', async () => {
    // `first` makes two model calls (about 1 s), `late` at least six (3 s; the simulated review stops it at its third draft).
    const pool = open(testPool(1, 500));
    await pool.start();
    const first = await pool.run(basicSpec('first', 1));
    const withdraw = new AbortController();
    const queued = pool.run(basicSpec('late', 20), {}, { signal: withdraw.signal });
    expect(pool.queuedJobs()).toEqual(['late']);
    // The child ends `first` and starts `late` while this process cannot read its outcome.
    blockFor(2000);
    withdraw.abort();
    const late = await queued;
    expect(late.pid).toBe(first.pid);
    expect((await first.outcome).kind).toBe('completed');
    expect(pool.runningJobs()).toEqual(['late']);
    const revoke = await pool.revoke('late', 5000);
    expect(revoke).toMatchObject({ terminated: true, pid: first.pid });
    expect(await late.outcome).toEqual({ kind: 'revoked', revoke });
    expect(processExists(first.pid)).toBe(false);
  });

  const deaths: Array<[string, (pool: WorkerPool, pid: number) => Promise<unknown>]> = [
    ['is killed by the revoke of its running job', (pool) => pool.revoke('first', 5000)],
    ['crashes', async (_pool, pid) => process.kill(pid, 'SIGKILL')],
  ];
  for (const [how, kill] of deaths) {
    it(`goes back to the waiting jobs, never lost nor failed, when its child ${how}: it runs on the replacement`, async () => {
      const { pool, first } = await busyPool(200);
      let startedOn: number | null = null;
      const queued = pool.run(basicSpec('next', 1), { onStart: (pid) => (startedOn = pid) });
      expect(pool.queuedJobs()).toEqual(['next']);
      await kill(pool, first.pid);
      expect(['revoked', 'lost']).toContain((await first.outcome).kind);
      const next = await queued;
      expect(next.pid).not.toBe(first.pid);
      expect(startedOn).toBe(next.pid);
      expect((await next.outcome).kind).toBe('completed');
      expect(processExists(first.pid)).toBe(false);
    });
  }

  it('goes back to the waiting jobs when its child is killed at the hard time limit of its running job', async () => {
    const pool = open(testPool(1, 200));
    await pool.start();
    const first = await pool.run(basicSpec('first', 10), {}, { hardLimit: { ms: 300, graceMs: 2000 } });
    const queued = pool.run(basicSpec('next', 1));
    expect(pool.queuedJobs()).toEqual(['next']);
    expect(await first.outcome).toMatchObject({ kind: 'failed', reason: 'time_limit' });
    const next = await queued;
    expect(next.pid).not.toBe(first.pid);
    expect((await next.outcome).kind).toBe('completed');
  });

  it('comes back to run on a child that is free while it waits behind a long job', async () => {
    const pool = open(testPool(2, 200));
    await pool.start();
    const seen: SolveProgress[] = [];
    const long = await pool.run(basicSpec('long', 10), { onProgress: (p) => seen.push(p) });
    await waitFor(() => seen.length > 0, { what: 'the long job to start working' });
    const short = await pool.run(basicSpec('short', 1));
    const queued = pool.run(basicSpec('queued', 1));
    // Behind the job that started first.
    expect(pool.queuedJobs()).toEqual(['queued']);
    const next = await queued;
    // Behind `long` it would have started on long's child.
    expect(next.pid).toBe(short.pid);
    expect(next.pid).not.toBe(long.pid);
    expect((await next.outcome).kind).toBe('completed');
  });

  it('is not queued while mayStart says no: it waits for a free child, where it is deferred', async () => {
    const { pool, first } = await busyPool(50, 3);
    let started = false;
    const waiting = pool.run(basicSpec('unchecked', 1), { onStart: () => (started = true) }, { mayStart: () => false });
    expect(pool.queuedJobs()).toEqual([]);
    expect((await first.outcome).kind).toBe('completed');
    await expect(waiting).rejects.toBeInstanceOf(RunDeferredError);
    expect(started).toBe(false);
  });

  it('is taken back from its child when mayStart turns false (recheckQueued), and deferred once a child is free', async () => {
    const { pool, first } = await busyPool(100);
    let may = true;
    let started = false;
    const queued = pool.run(basicSpec('rechecked', 1), { onStart: () => (started = true) }, { mayStart: () => may });
    expect(pool.queuedJobs()).toEqual(['rechecked']);
    may = false;
    pool.recheckQueued();
    await waitFor(() => pool.queuedJobs().length === 0, { what: 'the job to come back from its child' });
    expect(pool.runningJobs()).toEqual(['first']);
    expect((await first.outcome).kind).toBe('completed');
    await expect(queued).rejects.toBeInstanceOf(RunDeferredError);
    expect(started).toBe(false);
  });
});
