/**
 * Per-job time limits through the real consumer, pool and child processes: past its soft
 * limit a job completes with its best candidate (stop_reason time_limit); past its hard
 * limit its child is killed like a revoked one and the job fails with reason time_limit,
 * while the pool carries on with a fresh child. Outcomes are asserted, never durations.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { closeNats, connectNats, type NatsConnection } from '@crux/messaging';
import type { JobFailedData, JobStartedData, SolveResult } from '@crux/contracts';
import { startNats, waitFor, type TestServer } from '@crux/test-harness';
import { JobConsumer } from '../src/consumer/job-consumer.js';
import { IGNORE_SIGTERM_FLAG } from '../src/pool/protocol.js';
import type { WorkerPool } from '../src/pool/worker-pool.js';
import { EventLog, provisionQueue, publishCreated, queueSettled } from './nats-helpers.js';
import { basicSpec, processExists, testPool } from './pool-helpers.js';

/** Long enough that no candidate exists before the tiny hard limit below kills the job. */
const LATENCY_MS = 500;
const HARD_QUESTION = 'Explain quicksort.';

describe('per-job time limits', () => {
  let nats: TestServer;
  let nc: NatsConnection;
  let pool: WorkerPool;
  let consumer: JobConsumer;
  let log: EventLog;

  beforeAll(async () => {
    nats = await startNats();
    nc = await connectNats({ url: nats.url, name: 'time-limits-spec' });
    await provisionQueue(nc, { ackWaitMs: 2000, maxAttempts: 3 });
    pool = testPool(1, LATENCY_MS);
    await pool.start();
    consumer = new JobConsumer({
      nc,
      pool,
      workerId: 'limits-worker',
      maxAttempts: 3,
      ackWaitMs: 2000,
      revokeGraceMs: 300,
      timeLimits: { softTimeLimitS: 1800, hardTimeLimitS: 3600 },
    });
    await consumer.start();
    log = await EventLog.open(nc);
  });

  afterAll(async () => {
    await consumer?.stop(0);
    await pool?.close(500);
    await consumer?.idle();
    log?.close();
    if (nc) await closeNats(nc);
    await nats?.stop();
  });

  it('kills a job past its hard limit, fails it with reason time_limit, and the pool runs the next job in a new child', async () => {
    const created = await publishCreated(nc, { question: HARD_QUESTION, n_iters: 20, time_limit_s: 0.2 });
    const events = await waitFor(() => log.until(created.job_id, 'failed'), { what: 'the job to fail', timeoutMs: 30_000 });
    const pid = (events[0].data as JobStartedData).pid;
    const failed = events.at(-1)!.data as JobFailedData;
    expect(failed.reason).toBe('time_limit');
    expect(failed.error).toMatch(/^the job ran past its hard time limit of 0\.2 s .* and was stopped by SIGTERM after running [\d.]+ s$/);
    expect(events.some((e) => e.type === 'completed')).toBe(false);
    await waitFor(() => !processExists(pid), { what: `child ${pid} to be gone` });
    await waitFor(() => queueSettled(nc), { what: 'the message to be acknowledged, not redelivered' });

    const next = await publishCreated(nc, { question: 'Why do cats purr?', n_iters: 1 });
    const after = await waitFor(() => log.until(next.job_id, 'completed'), { what: 'the next job to complete', timeoutMs: 30_000 });
    expect((after[0].data as JobStartedData).pid).not.toBe(pid);
  });

  it('stops a job past its soft limit at the next step and completes it with its best candidate as time_limit', async () => {
    const created = await publishCreated(nc, { question: HARD_QUESTION, n_iters: 20, soft_time_limit_s: 0.3 });
    const events = await waitFor(() => log.until(created.job_id, 'completed'), { what: 'the job to complete', timeoutMs: 30_000 });
    const result = (events.at(-1)!.data as { result: SolveResult }).result;
    expect(result).toMatchObject({ stop_reason: 'time_limit', converged: false });
    expect(result.iterations).toBeGreaterThanOrEqual(1);
    expect(result.iterations).toBeLessThan(20);
    const history = result.metadata.history as Array<{ candidate: string; score: number }>;
    const best = history.reduce((a, b) => (b.score >= a.score ? b : a));
    expect(result.output).toBe(best.candidate);
  });
});

describe('the hard limit on a child that ignores SIGTERM', () => {
  let pool: WorkerPool;

  afterAll(async () => {
    await pool?.close(200);
  });

  it('is enforced with SIGKILL after the grace, and the error says so', async () => {
    pool = testPool(1, LATENCY_MS, { childArgs: [IGNORE_SIGTERM_FLAG] });
    await pool.start();
    const job = await pool.run(basicSpec('stubborn', 20), {}, { hardLimit: { ms: 200, graceMs: 200 } });
    const outcome = await job.outcome;
    expect(outcome).toMatchObject({
      kind: 'failed',
      reason: 'time_limit',
      error: expect.stringMatching(/hard time limit of 0\.2 s .* stopped by SIGKILL/),
    });
    await waitFor(() => !processExists(job.pid), { what: `child ${job.pid} to be gone` });
    await waitFor(() => pool.idleCount === 1, { what: 'a fresh child' });
    expect(pool.pids()).not.toContain(job.pid);
  });
});
