import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from '@jest/globals';
import { waitFor } from '@crux/test-harness';
import { IGNORE_SIGTERM_FLAG } from '../src/pool/protocol.js';
import type { JobOutcome } from '../src/pool/pool-types.js';
import { RunAbortedError, RunDeferredError, type WorkerPool } from '../src/pool/worker-pool.js';
import type { SolveProgress } from '../src/solving/progress.js';
import { basicSpec, CapturedLog, processExists, testPool } from './pool-helpers.js';

describe('the pool of child processes', () => {
  const pools: WorkerPool[] = [];
  const open = (pool: WorkerPool) => (pools.push(pool), pool);

  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.close(500)));
  });

  it('runs as many jobs at once as it has children, and the next one when a child frees up', async () => {
    const pool = open(testPool(2, 300));
    await pool.start();
    const log: string[] = [];
    const progress: Record<string, SolveProgress[]> = { a: [], b: [], c: [] };
    const submit = (id: string) =>
      pool.run(basicSpec(id, 3), {
        onStart: (pid) => log.push(`start ${id} ${pid}`),
        onProgress: (p) => progress[id].push(p),
      });

    const [a, b] = await Promise.all([submit('a'), submit('b')]);
    expect(a.pid).not.toBe(b.pid);
    expect(pool.runningJobs().sort()).toEqual(['a', 'b']);
    const c = submit('c');
    await waitFor(() => progress.a.length > 0 && progress.b.length > 0, { what: 'both jobs to report progress' });
    expect(log).toHaveLength(2);

    const outcomes = await Promise.all([a.outcome, b.outcome]);
    for (const outcome of outcomes) expect(outcome.kind).toBe('completed');
    const third = await c;
    expect([a.pid, b.pid]).toContain(third.pid);
    expect(await third.outcome).toMatchObject({ kind: 'completed', result: { metadata: { provider: 'simulated' } } });
    expect(log[2]).toBe(`start c ${third.pid}`);

    for (const id of ['a', 'b', 'c']) {
      const values = progress[id].map((p) => p.progress);
      expect(values[0]).toBe(0);
      expect(values.at(-1)).toBe(1);
      for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
    }
  });

  it('sends the progress of a run over IPC at most once per interval counted from the start, and none of what is held back when the job ends', async () => {
    const pool = open(testPool(1, 0));
    await pool.start();
    const seen: SolveProgress[] = [];
    const job = await pool.run(basicSpec('throttled', 3), { onProgress: (p) => seen.push(p) }, { progressIntervalMs: 60_000 });
    expect(await job.outcome).toMatchObject({ kind: 'completed' });
    // Seven reports (two per iteration and `done`); the first interval outlasts the run, so none crosses: `completed` says it all.
    expect(seen).toEqual([]);
  });

  it('hands the child back unused when mayStart says no at the moment a child is free', async () => {
    const pool = open(testPool(1, 0));
    await pool.start();
    const started: number[] = [];
    await expect(
      pool.run(basicSpec('not-yet', 1), { onStart: (pid) => started.push(pid) }, { mayStart: () => false }),
    ).rejects.toBeInstanceOf(RunDeferredError);
    expect(started).toEqual([]);
    expect(pool.idleCount).toBe(1);
    const next = await pool.run(basicSpec('next', 1));
    expect((await next.outcome).kind).toBe('completed');
  });

  it('reports a provider it cannot use as a failed job and keeps the child', async () => {
    const pool = open(testPool(1, 0));
    await pool.start();
    const failing = await pool.run(basicSpec('f', 2, { llm_provider: 'openai' }));
    expect(await failing.outcome).toMatchObject({
      kind: 'failed',
      reason: 'provider_error',
      error: expect.stringMatching(/OPENAI_BASE_URL/),
    });
    const next = await pool.run(basicSpec('g', 1));
    expect(next.pid).toBe(failing.pid);
    expect((await next.outcome).kind).toBe('completed');
  });

  it('replaces a child killed with SIGKILL mid-job and reports that job lost', async () => {
    const pool = open(testPool(2, 200));
    await pool.start();
    const seen: SolveProgress[] = [];
    const job = await pool.run(basicSpec('doomed', 10), { onProgress: (p) => seen.push(p) });
    await waitFor(() => seen.length > 0, { what: 'the job to start working' });

    process.kill(job.pid, 'SIGKILL');
    const outcome: JobOutcome = await job.outcome;
    expect(outcome).toEqual({ kind: 'lost', pid: job.pid, code: null, signal: 'SIGKILL' });
    expect(processExists(job.pid)).toBe(false);
    await waitFor(() => pool.pids().length === 2 && pool.idleCount === 2, { what: 'a replacement child', timeoutMs: 30_000 });
    expect(pool.pids()).not.toContain(job.pid);

    const after = await pool.run(basicSpec('after', 1));
    expect((await after.outcome).kind).toBe('completed');
  });

  it('revokes a job whose child stops on SIGTERM, and replaces the child', async () => {
    const pool = open(testPool(1, 200));
    await pool.start();
    const seen: SolveProgress[] = [];
    const job = await pool.run(basicSpec('cancel-me', 10), { onProgress: (p) => seen.push(p) });
    await waitFor(() => seen.length > 0, { what: 'the job to start working' });

    const result = await pool.revoke('cancel-me', 10_000);
    expect(result).toEqual({ terminated: true, outcome: 'terminated', signal: 'SIGTERM', pid: job.pid, took_ms: expect.any(Number) });
    expect(processExists(job.pid)).toBe(false);
    expect(await job.outcome).toEqual({ kind: 'revoked', revoke: result });
    expect(await pool.revoke('cancel-me', 10_000)).toEqual({
      terminated: false,
      outcome: 'not-running',
      signal: null,
      pid: null,
      took_ms: 0,
    });

    const next = await pool.run(basicSpec('next', 1));
    expect(next.pid).not.toBe(job.pid);
    expect((await next.outcome).kind).toBe('completed');
  });

  it('stops an idle child that finished a job (its cancel came first), never one running another job, and replaces it', async () => {
    const pool = open(testPool(2, 0));
    await pool.start();
    const finished = await pool.run(basicSpec('finished-then-cancelled', 1));
    expect((await finished.outcome).kind).toBe('completed');

    const retiring = pool.retire(finished.pid, 10_000, 'test');
    // Reserved while it dies: only the other child is free for a job.
    expect(pool.idleCount).toBe(1);
    expect(await retiring).toEqual({
      terminated: true,
      outcome: 'terminated',
      signal: 'SIGTERM',
      pid: finished.pid,
      took_ms: expect.any(Number),
    });
    expect(processExists(finished.pid)).toBe(false);
    expect(await pool.retire(finished.pid, 10_000, 'test')).toEqual({
      terminated: true,
      outcome: 'not-running',
      signal: null,
      pid: finished.pid,
      took_ms: 0,
    });

    const other = await pool.run(basicSpec('someone-else', 1));
    expect(other.pid).not.toBe(finished.pid);
    // Called before the child can have answered: it is running that job, and is left alone.
    expect(await pool.retire(other.pid, 10_000, 'test')).toEqual({
      terminated: false,
      outcome: 'not-running',
      signal: null,
      pid: other.pid,
      took_ms: 0,
    });
    expect((await other.outcome).kind).toBe('completed');
    expect(processExists(other.pid)).toBe(true);
    await waitFor(() => pool.idleCount === 2, { what: 'a replacement child', timeoutMs: 30_000 });
    expect(pool.pids()).not.toContain(finished.pid);
  });

  it('kills a child that ignores SIGTERM once the grace period is over', async () => {
    const pool = open(testPool(1, 200, { childArgs: [IGNORE_SIGTERM_FLAG] }));
    await pool.start();
    const seen: SolveProgress[] = [];
    const job = await pool.run(basicSpec('stubborn', 10), { onProgress: (p) => seen.push(p) });
    await waitFor(() => seen.length > 0, { what: 'the job to start working' });

    const result = await pool.revoke('stubborn', 300);
    expect(result).toMatchObject({ terminated: true, outcome: 'killed', signal: 'SIGKILL', pid: job.pid });
    expect(processExists(job.pid)).toBe(false);
    expect((await job.outcome).kind).toBe('revoked');
    await waitFor(() => pool.idleCount === 1, { what: 'a replacement child', timeoutMs: 30_000 });
  });

  it('keeps sending SIGKILL, and says so, until a kill that did not take is confirmed by the process being gone', async () => {
    const log = new CapturedLog();
    let dropped = 0;
    const pool = open(
      testPool(1, 200, {
        childArgs: [IGNORE_SIGTERM_FLAG],
        logger: log,
        killConfirmMs: 100,
        // Plays a kill that does not take: the first two SIGKILLs never reach the child.
        sendSignal: (child, signal) => {
          if (signal === 'SIGKILL' && dropped < 2) {
            dropped++;
            return;
          }
          child.kill(signal);
        },
      }),
    );
    await pool.start();
    const seen: SolveProgress[] = [];
    const job = await pool.run(basicSpec('hard-to-kill', 10), { onProgress: (p) => seen.push(p) });
    await waitFor(() => seen.length > 0, { what: 'the job to start working' });

    const result = await pool.revoke('hard-to-kill', 100);
    expect(dropped).toBe(2);
    expect(result).toMatchObject({ terminated: true, outcome: 'killed', signal: 'SIGKILL', pid: job.pid });
    expect(processExists(job.pid)).toBe(false);
    expect(log.count(new RegExp(`REVOKE NOT CONFIRMED: pool child ${job.pid} \\(job hard-to-kill\\) is still alive`))).toBe(2);
  });

  describe('a replacement while another child is still being killed', () => {
    const held: number[] = [];
    // Before the pool closes (an outer hook): a held child would ignore the close's signals too.
    afterEach(() => {
      for (const pid of held.splice(0)) if (processExists(pid)) process.kill(pid, 'SIGKILL');
    });

    /**
     * A pool of two running `a` and `b`, whose child `b` does not die on its signals (they are
     * dropped) until the test kills it: `a`'s revoke ends while `b`'s is still under way.
     */
    async function oneKilledOneDying(respawnDeferMaxMs: number) {
      let holding = 0;
      const pool = open(
        testPool(2, 200, {
          respawnDeferMaxMs,
          sendSignal: (child, signal) => {
            if (child.pid !== holding) child.kill(signal);
          },
        }),
      );
      await pool.start();
      const [a, b] = await Promise.all([pool.run(basicSpec('a', 10)), pool.run(basicSpec('b', 10))]);
      holding = b.pid;
      held.push(b.pid);
      const revokingB = pool.revoke('b', 60_000);
      expect(await pool.revoke('a', 10_000)).toMatchObject({ terminated: true, pid: a.pid });
      expect(processExists(b.pid)).toBe(true);
      return { pool, a, b, revokingB };
    }

    it('waits for it to be gone, then forks both replacements', async () => {
      const { pool, a, b, revokingB } = await oneKilledOneDying(60_000);
      // Long enough for a replacement forked at once to show in pids().
      await sleep(100);
      expect(pool.pids()).toEqual([b.pid]);

      process.kill(b.pid, 'SIGKILL');
      expect(await revokingB).toMatchObject({ terminated: true, pid: b.pid });
      await waitFor(() => pool.pids().length === 2 && pool.idleCount === 2, { what: 'both replacements', timeoutMs: 30_000 });
      expect(pool.pids()).not.toContain(a.pid);
      expect(pool.pids()).not.toContain(b.pid);
    });

    it('forks the replacement at once when a job is waiting for a child', async () => {
      const { pool, a, b, revokingB } = await oneKilledOneDying(60_000);
      const next = await pool.run(basicSpec('next', 1));
      expect([a.pid, b.pid]).not.toContain(next.pid);
      expect((await next.outcome).kind).toBe('completed');
      expect(processExists(b.pid)).toBe(true);
      process.kill(b.pid, 'SIGKILL');
      await revokingB;
    });

    it('forks the replacement after the longest wait even if the other child is not gone by then', async () => {
      const { pool, a, b, revokingB } = await oneKilledOneDying(200);
      await waitFor(() => pool.idleCount === 1, { what: 'the replacement of the revoked child', timeoutMs: 30_000 });
      expect(pool.pids()).not.toContain(a.pid);
      expect(processExists(b.pid)).toBe(true);
      process.kill(b.pid, 'SIGKILL');
      await revokingB;
      await waitFor(() => pool.pids().length === 2 && pool.idleCount === 2, { what: 'the second replacement', timeoutMs: 30_000 });
    });
  });

  it('withdraws a job still waiting for a child: no child ever starts it, and the pool stays whole', async () => {
    const pool = open(testPool(1, 100));
    await pool.start();
    const first = await pool.run(basicSpec('first', 2));
    const withdraw = new AbortController();
    let started = false;
    const waiting = pool.run(basicSpec('withdrawn', 1), { onStart: () => (started = true) }, { signal: withdraw.signal });
    withdraw.abort();
    await expect(waiting).rejects.toBeInstanceOf(RunAbortedError);
    expect((await first.outcome).kind).toBe('completed');
    const next = await pool.run(basicSpec('next', 1));
    expect(next.pid).toBe(first.pid);
    expect((await next.outcome).kind).toBe('completed');
    expect(started).toBe(false);
  });

  it('refuses to start without the built child entry, naming the path', async () => {
    const pool = testPool(1, 0, { childPath: '/nonexistent/child-main.js' });
    await expect(pool.start()).rejects.toThrow(/\/nonexistent\/child-main\.js.*build the worker/);
  });
});
