import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { closeNats, connectNats, jetstream, publishEvent, type NatsConnection } from '@crux/messaging';
import {
  ConsumerName,
  StreamName,
  followEvent,
  serviceActor,
  type EventEnvelope,
  type JobProgressData,
  type JobStartedData,
  type SolveResult,
} from '@crux/contracts';
import { startNats, waitFor, type TestServer } from '@crux/test-harness';
import { JobConsumer } from '../src/consumer/job-consumer.js';
import type { WorkerPool } from '../src/pool/worker-pool.js';
import { EventLog, provisionQueue, publishCancel, publishCreated, publishDeletion, queueSettled } from './nats-helpers.js';
import { CapturedLog, processExists, testPool } from './pool-helpers.js';

const WORKER = 'worker-under-test';
const ACK_WAIT_MS = 2000;

interface Rig {
  nats: TestServer;
  nc: NatsConnection;
  pool: WorkerPool;
  consumer: JobConsumer;
  log: EventLog;
}

interface RigOptions {
  maxAttempts: number;
  poolSize: number;
  latencyMs: number;
  startConsumer?: boolean;
  progressIntervalMs?: number;
  prefetchBelowMs?: number;
  logger?: CapturedLog;
}

async function rig(opts: RigOptions): Promise<Rig> {
  const nats = await startNats();
  const nc = await connectNats({ url: nats.url, name: 'worker-spec' });
  await provisionQueue(nc, { ackWaitMs: ACK_WAIT_MS, maxAttempts: opts.maxAttempts });
  const pool = testPool(opts.poolSize, opts.latencyMs);
  await pool.start();
  const consumer = new JobConsumer({
    nc,
    pool,
    workerId: WORKER,
    maxAttempts: opts.maxAttempts,
    ackWaitMs: ACK_WAIT_MS,
    revokeGraceMs: 300,
    retryDelayMs: 300,
    progressIntervalMs: opts.progressIntervalMs,
    prefetchBelowMs: opts.prefetchBelowMs,
    logger: opts.logger,
  });
  if (opts.startConsumer !== false) await consumer.start();
  return { nats, nc, pool, consumer, log: await EventLog.open(nc) };
}

async function teardown(r: Rig | undefined): Promise<void> {
  if (!r) return;
  await r.consumer.stop(0);
  await r.pool.close(500);
  await r.consumer.idle();
  r.log.close();
  await closeNats(r.nc);
  await r.nats.stop();
}

function expectEnvelope(event: EventEnvelope, created: EventEnvelope): void {
  expect(event).toMatchObject({
    job_id: created.job_id,
    actor: { kind: 'service', id: WORKER },
    correlation_id: created.job_id,
    causation_id: created.id,
  });
  expect(event.id).not.toBe(created.id);
}

describe('consuming jobs from the workers queue', () => {
  let r: Rig;

  beforeAll(async () => {
    r = await rig({ maxAttempts: 3, poolSize: 2, latencyMs: 30 });
  });

  afterAll(async () => {
    await teardown(r);
  });

  it('runs a basic job and records started → progress… → completed, each caused by the created event', async () => {
    const created = await publishCreated(r.nc, { question: 'Explain quicksort.', n_iters: 3 });
    const events = await waitFor(() => r.log.until(created.job_id, 'completed'), { what: 'the job to complete', timeoutMs: 30_000 });

    expect(events[0].type).toBe('started');
    expect(events.at(-1)!.type).toBe('completed');
    expect(events.slice(1, -1).every((e) => e.type === 'progress')).toBe(true);
    for (const event of events) expectEnvelope(event, created);

    const started = events[0].data as JobStartedData;
    expect(started).toEqual({ worker_id: WORKER, pid: expect.any(Number), attempt: 1 });
    expect(r.pool.pids()).toContain(started.pid);

    // Throttled, counted from the start: the job's first updates (progress 0) fall within the first interval.
    const progress = events.slice(1, -1).map((e) => e.data as JobProgressData);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress[0].current_phase).toMatch(/^iteration \d\/3: /);
    for (let i = 1; i < progress.length; i++) expect(progress[i].progress).toBeGreaterThanOrEqual(progress[i - 1].progress);
    expect(progress.some((p) => (p.partial_results as { score?: number } | undefined)?.score !== undefined)).toBe(true);

    const result = (events.at(-1)!.data as { result: SolveResult }).result;
    expect(result).toMatchObject({
      iterations: 3,
      stop_reason: 'max_iters',
      converged: false,
      metadata: { provider: 'simulated', simulated: true },
    });
    expect(result.output).toMatch(/^\[simulated\]/);
    expect(result.total_tokens).toBeGreaterThan(0);
    await waitFor(() => queueSettled(r.nc), { what: 'the message to be acknowledged' });
  });

  it('runs an enhanced job alongside a basic one', async () => {
    const enhanced = await publishCreated(
      r.nc,
      { question: 'Why is the sky blue?', num_specialists: 2, specialist_max_iters: 2 },
      { mode: 'enhanced' },
    );
    const basic = await publishCreated(r.nc, { question: 'Why do cats purr?', n_iters: 2 });
    const [e, b] = await Promise.all([
      waitFor(() => r.log.until(enhanced.job_id, 'completed'), { what: 'the enhanced job', timeoutMs: 30_000 }),
      waitFor(() => r.log.until(basic.job_id, 'completed'), { what: 'the basic job', timeoutMs: 30_000 }),
    ]);
    // Progress is throttled, so not every update is published; `completed` says the rest.
    const progress = e.filter((x) => x.type === 'progress').map((x) => x.data as JobProgressData);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < progress.length; i++) expect(progress[i].progress).toBeGreaterThanOrEqual(progress[i - 1].progress);
    const enhancedResult = (e.at(-1)!.data as { result: SolveResult }).result;
    expect(enhancedResult.metadata).toMatchObject({ mode: 'enhanced', specialists: [expect.any(Object), expect.any(Object)] });
    expect((b.at(-1)!.data as { result: SolveResult }).result.metadata).toMatchObject({ mode: 'basic' });
  });

  it('fails a job that asks for an unconfigured provider, with a reason and a message a person understands', async () => {
    const created = await publishCreated(r.nc, { question: 'q' }, { llm_provider: 'openai' });
    const events = await waitFor(() => r.log.until(created.job_id, 'failed'), { what: 'the job to fail', timeoutMs: 30_000 });
    expect(events.map((e) => e.type)).toEqual(['started', 'failed']);
    expect(events[1].data).toEqual({ reason: 'provider_error', error: expect.stringMatching(/OPENAI_BASE_URL/) });
    expectEnvelope(events[1], created);
  });

  it('asks job-state nothing: no request on job.state.* while it runs jobs', async () => {
    const asked: string[] = [];
    const sub = r.nc.subscribe('job.state.>', { callback: (_e, msg) => void asked.push(msg.subject) });
    try {
      const jobs = await Promise.all([1, 2, 3].map((i) => publishCreated(r.nc, { question: `q${i}`, n_iters: 1 })));
      await Promise.all(
        jobs.map((j) => waitFor(() => r.log.until(j.job_id, 'completed'), { what: 'the jobs to complete', timeoutMs: 30_000 })),
      );
      await r.nc.flush();
      expect(asked).toEqual([]);
    } finally {
      sub.unsubscribe();
    }
  });

  it('runs a job again when its child dies mid-job, as the next attempt', async () => {
    const created = await publishCreated(r.nc, { question: 'Explain quicksort.', n_iters: 40 });
    const first = await waitFor(() => r.log.of(created.job_id).find((e) => e.type === 'progress') && r.log.of(created.job_id)[0], {
      what: 'the job to be under way',
      timeoutMs: 30_000,
    });
    const pid = (first.data as JobStartedData).pid;
    process.kill(pid, 'SIGKILL');
    await waitFor(() => !processExists(pid), { what: 'the child to be gone' });
    const events = await waitFor(() => r.log.until(created.job_id, 'completed'), { what: 'the rerun to complete', timeoutMs: 60_000 });
    const starts = events.filter((e) => e.type === 'started').map((e) => e.data as JobStartedData);
    expect(starts.map((s) => s.attempt)).toEqual([1, 2]);
    expect(starts[1].pid).not.toBe(pid);
    expect(events.filter((e) => e.type === 'completed')).toHaveLength(1);
  });
});

describe('a job whose worker keeps disappearing', () => {
  let r: Rig;

  beforeAll(async () => {
    r = await rig({ maxAttempts: 1, poolSize: 1, latencyMs: 0, startConsumer: false });
  });

  afterAll(async () => {
    await teardown(r);
  });

  it('is failed as worker_lost instead of being run again once maxAttempts runs of it began and none ended', async () => {
    const created = await publishCreated(r.nc, { question: 'q', n_iters: 1 });
    // A worker takes the job, starts it, and vanishes without a word: no outcome, no ack, no nak.
    const consumer = await jetstream(r.nc).consumers.get(StreamName.Jobs, ConsumerName.Workers);
    const taken = await consumer.next({ expires: 5000 });
    expect(taken?.info.deliveryCount).toBe(1);
    await publishEvent(
      jetstream(r.nc),
      followEvent(created, 'started', serviceActor('vanished'), { worker_id: 'vanished', pid: 1, attempt: 1 }),
    );

    await r.consumer.start();
    const events = await waitFor(() => r.log.until(created.job_id, 'failed'), { what: 'the job to fail', timeoutMs: 30_000 });
    expect(events.map((e) => e.type)).toEqual(['started', 'failed']);
    expect(events[1].data).toEqual({ reason: 'worker_lost', error: "the job's worker stopped 1 time before it finished" });
    expectEnvelope(events[1], created);
    await waitFor(() => queueSettled(r.nc), { what: 'the message to be acknowledged' });
  });

  it('is run, not failed, however often it was handed back without a run beginning', async () => {
    await r.consumer.stop(0);
    await r.consumer.idle();
    const created = await publishCreated(r.nc, { question: 'q', n_iters: 1 });
    // Deliveries that never became runs: taken and handed back, three times (maxAttempts is 1).
    const consumer = await jetstream(r.nc).consumers.get(StreamName.Jobs, ConsumerName.Workers);
    for (let i = 1; i <= 3; i++) {
      const taken = await consumer.next({ expires: 5000 });
      expect(taken?.info.deliveryCount).toBe(i);
      taken!.nak();
    }
    const again = new JobConsumer({ nc: r.nc, pool: r.pool, workerId: WORKER, maxAttempts: 1, ackWaitMs: ACK_WAIT_MS, revokeGraceMs: 300 });
    await again.start();
    try {
      const events = await waitFor(() => r.log.until(created.job_id, 'completed'), { what: 'the job to run', timeoutMs: 30_000 });
      expect(events.map((e) => e.type)).toEqual(['started', 'completed']);
      expect((events[0].data as JobStartedData).attempt).toBe(4);
    } finally {
      await again.stop(0);
      await again.idle();
    }
  });
});

describe('a short job', () => {
  let r: Rig;

  beforeAll(async () => {
    // An interval longer than any run here: no update is due before the job ends.
    r = await rig({ maxAttempts: 3, poolSize: 2, latencyMs: 0, progressIntervalMs: 60_000 });
  });

  afterAll(async () => {
    await teardown(r);
  });

  it('records started and completed only: the progress of a job that ends within the throttle interval is not stored, as completed says more', async () => {
    const created = await publishCreated(r.nc, { question: 'Explain quicksort.', n_iters: 3 });
    const events = await waitFor(() => r.log.until(created.job_id, 'completed'), { what: 'the job to complete', timeoutMs: 30_000 });
    expect(events.map((e) => e.type)).toEqual(['started', 'completed']);
    await waitFor(() => queueSettled(r.nc), { what: 'the message to be acknowledged' });
  });
});

describe('jobs pulled together', () => {
  let r: Rig;

  beforeAll(async () => {
    r = await rig({ maxAttempts: 3, poolSize: 4, latencyMs: 0, startConsumer: false });
  });

  afterAll(async () => {
    await teardown(r);
  });

  it('are not run when cancelled or deleted before a worker got to them, and are run when restored after their deletion', async () => {
    const jobs = [];
    for (let i = 0; i < 8; i++) jobs.push(await publishCreated(r.nc, { question: `q${i}`, n_iters: 1 }));
    await publishCancel(r.nc, jobs[1].job_id);
    await publishDeletion(r.nc, jobs[2].job_id);
    await publishDeletion(r.nc, jobs[3].job_id);
    await publishDeletion(r.nc, jobs[3].job_id, 'restored');
    await r.consumer.start();

    const wanted = jobs.filter((_, i) => i !== 1 && i !== 2);
    await Promise.all(
      wanted.map((j) => waitFor(() => r.log.until(j.job_id, 'completed'), { what: `job ${j.job_id} to complete`, timeoutMs: 30_000 })),
    );
    await waitFor(() => queueSettled(r.nc), { what: 'every message to be settled' });
    expect(r.log.of(jobs[1].job_id)).toEqual([]);
    expect(r.log.of(jobs[2].job_id).map((e) => e.type)).toEqual(['deleted']);
  });
});

describe('jobs taken ahead of a free child', () => {
  let r: Rig;
  const logger = new CapturedLog();

  beforeAll(async () => {
    // Taking ahead is on for runs this long only because the test says so (the default is for runs under 50 ms).
    r = await rig({ maxAttempts: 3, poolSize: 1, latencyMs: 100, prefetchBelowMs: 600_000, logger });
    // A first run, so the worker knows how long runs take.
    const first = await publishCreated(r.nc, { question: 'warm-up', n_iters: 1 });
    await waitFor(() => r.log.until(first.job_id, 'completed'), { what: 'a first job to complete', timeoutMs: 30_000 });
  });

  afterAll(async () => {
    await teardown(r);
  });

  /** A long job on the only child, then a short one that the worker takes while the long one runs. */
  async function longThenAhead(longIters: number) {
    const long = await publishCreated(r.nc, { question: 'long', n_iters: longIters });
    await waitFor(() => r.log.of(long.job_id).some((e) => e.type === 'started'), { what: 'the long job to start', timeoutMs: 30_000 });
    const ahead = await publishCreated(r.nc, { question: 'ahead', n_iters: 1 });
    await waitFor(() => r.consumer.activeJobs.includes(ahead.job_id), { what: 'the worker to take the second job', timeoutMs: 30_000 });
    expect(r.log.until(long.job_id, 'completed')).toBeUndefined();
    return { long, ahead };
  }

  it('keeps the message of a job waiting for the child alive past ack_wait: it runs once, as attempt 1', async () => {
    // 50 model calls of 100 ms: the second job, taken as the first begins, waits well past ack_wait (2 s).
    const { long, ahead } = await longThenAhead(25);
    const events = await waitFor(() => r.log.until(ahead.job_id, 'completed'), { what: 'the second job to complete', timeoutMs: 60_000 });
    expect(r.log.until(long.job_id, 'completed')).toBeDefined();
    const started = events.filter((e) => e.type === 'started');
    expect(started.map((e) => (e.data as JobStartedData).attempt)).toEqual([1]);
    // Had it not waited past ack_wait, this test would not show that it was kept alive.
    expect(Date.parse(started[0].occurred_at) - Date.parse(ahead.occurred_at)).toBeGreaterThan(ACK_WAIT_MS);
    expect(events.filter((e) => e.type === 'completed')).toHaveLength(1);
    await waitFor(() => queueSettled(r.nc), { what: 'both messages to be acknowledged' });
  });

  it('never starts a job cancelled while it waits for the child', async () => {
    const { long, ahead } = await longThenAhead(5);
    await publishCancel(r.nc, ahead.job_id);
    await waitFor(() => r.log.until(long.job_id, 'completed'), { what: 'the long job to complete', timeoutMs: 30_000 });
    await waitFor(() => queueSettled(r.nc), { what: 'both messages to be settled' });
    const marker = await publishCreated(r.nc, { question: 'marker', n_iters: 1 });
    await waitFor(() => r.log.until(marker.job_id, 'completed'), { what: 'a later job to complete', timeoutMs: 30_000 });
    expect(r.log.of(ahead.job_id)).toEqual([]);
    expect(logger.has(new RegExp(`not running job ${ahead.job_id}: cancelled while it waited for a child`))).toBe(true);
  });

  it('hands a job waiting for the child back at once when it stops, and lets the running one finish', async () => {
    const { long, ahead } = await longThenAhead(5);
    await r.consumer.stop(60_000);
    // Its completed was stored before stop returned; the log reads it a moment later.
    await waitFor(() => r.log.until(long.job_id, 'completed'), { what: 'the running job to complete', timeoutMs: 5000 });
    expect(logger.has(new RegExp(`handed job ${long.job_id} back`))).toBe(false);
    expect(r.log.of(ahead.job_id)).toEqual([]);
    expect(logger.has(new RegExp(`handed job ${ahead.job_id} back to the queue at shutdown before it started`))).toBe(true);

    const again = new JobConsumer({ nc: r.nc, pool: r.pool, workerId: WORKER, maxAttempts: 3, ackWaitMs: ACK_WAIT_MS, revokeGraceMs: 300 });
    await again.start();
    try {
      const events = await waitFor(() => r.log.until(ahead.job_id, 'completed'), { what: 'the job to run after all', timeoutMs: 30_000 });
      expect(events.filter((e) => e.type === 'started')).toHaveLength(1);
    } finally {
      await again.stop(0);
      await again.idle();
    }
  });
});
