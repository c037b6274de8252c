import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { closeNats, connectNats, type NatsConnection } from '@crux/messaging';
import type { EventEnvelope, JobRevokedData, JobStartedData } from '@crux/contracts';
import { startNats, TcpProxy, waitFor, type TestServer } from '@crux/test-harness';
import { JobConsumer } from '../src/consumer/job-consumer.js';
import { IGNORE_SIGTERM_FLAG } from '../src/pool/protocol.js';
import type { WorkerPool } from '../src/pool/worker-pool.js';
import { EventLog, provisionQueue, publishCancel, publishCreated, queueSettled } from './nats-helpers.js';
import { CapturedLog, processExists, testPool } from './pool-helpers.js';

const ACK_WAIT_MS = 5000;

interface Worker {
  id: string;
  nc: NatsConnection;
  pool: WorkerPool;
  consumer: JobConsumer;
  log: CapturedLog;
}

interface WorkerOptions {
  latencyMs?: number;
  graceMs?: number;
  stubborn?: boolean;
  cancelCheckMs?: number;
  /** Connect through this URL instead of the server's (a proxy that can cut the worker off). */
  url?: string;
  /** Take jobs ahead of a free child while runs are shorter than this. */
  prefetchBelowMs?: number;
}

describe('cancelling jobs on workers (real nats-server, real child processes)', () => {
  let nats: TestServer;
  let nc: NatsConnection;
  let events: EventLog;
  const workers: Worker[] = [];

  async function startWorker(id: string, o: WorkerOptions = {}): Promise<Worker> {
    const log = new CapturedLog();
    const wnc = await connectNats({ url: o.url ?? nats.url, name: id });
    const pool = testPool(1, o.latencyMs ?? 100, { logger: log, childArgs: o.stubborn ? [IGNORE_SIGTERM_FLAG] : [] });
    await pool.start().catch(async (error: unknown) => {
      await pool.close(0);
      await closeNats(wnc);
      throw error;
    });
    const consumer = new JobConsumer({
      nc: wnc,
      pool,
      workerId: id,
      maxAttempts: 3,
      ackWaitMs: ACK_WAIT_MS,
      revokeGraceMs: o.graceMs ?? 10_000,
      retryDelayMs: 300,
      prefetchBelowMs: o.prefetchBelowMs,
      logger: log,
    });
    const worker = { id, nc: wnc, pool, consumer, log };
    workers.push(worker);
    await consumer.start();
    return worker;
  }

  async function stopWorker(w: Worker): Promise<void> {
    await w.consumer.stop(0);
    await w.pool.close(500);
    await w.consumer.idle();
    await closeNats(w.nc);
  }

  /** The job's `started` event once the job has reported progress: its child is at work. */
  function underWay(jobId: string): Promise<EventEnvelope> {
    return waitFor(
      () => {
        const of = events.of(jobId);
        return of.some((e) => e.type === 'progress') && of.find((e) => e.type === 'started');
      },
      { what: `job ${jobId} to be under way`, timeoutMs: 30_000 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${workers.map((w) => `[${w.id}]\n${w.log.lines.join('\n')}`).join('\n')}`);
    });
  }

  function revokedOf(jobId: string): EventEnvelope<string, JobRevokedData>[] {
    return events.of(jobId).filter((e) => e.type === 'revoked') as EventEnvelope<string, JobRevokedData>[];
  }

  /** Cancels as the gateway does: `job.cancel` stored in JOBS. */
  function cancel(jobId: string) {
    return publishCancel(nc, jobId);
  }

  /** A job published after `jobId` settled completes on `worker`'s pool: the worker has moved on. */
  async function markerCompletes(): Promise<void> {
    const marker = await publishCreated(nc, { question: 'marker', n_iters: 1 });
    await waitFor(() => events.until(marker.job_id, 'completed'), { what: 'a later job to complete', timeoutMs: 30_000 });
  }

  beforeAll(async () => {
    nats = await startNats();
    nc = await connectNats({ url: nats.url, name: 'job-cancel-spec' });
    await provisionQueue(nc, { ackWaitMs: ACK_WAIT_MS, maxAttempts: 3 });
    events = await EventLog.open(nc);
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map(stopWorker));
  });

  afterAll(async () => {
    events?.close();
    await closeNats(nc);
    await nats?.stop();
  });

  it('stops a running job: its child is gone, one job.revoked (terminated) caused by the cancel, nothing after it, no redelivery', async () => {
    const w = await startWorker('w-coop');
    const created = await publishCreated(nc, { question: 'Explain quicksort.', n_iters: 40 });
    const started = await underWay(created.job_id);
    const pid = (started.data as JobStartedData).pid;

    const cancelled = await cancel(created.job_id);
    await waitFor(() => revokedOf(created.job_id).length > 0, { what: 'job.revoked', timeoutMs: 30_000 });
    expect(processExists(pid)).toBe(false);
    const [revoked, ...more] = revokedOf(created.job_id);
    expect(more).toEqual([]);
    expect(revoked).toMatchObject({
      job_id: created.job_id,
      actor: { kind: 'service', id: 'w-coop' },
      causation_id: cancelled.id,
      correlation_id: created.job_id,
      data: { terminated: true, outcome: 'terminated', signal: 'SIGTERM', pid, worker_id: 'w-coop', took_ms: expect.any(Number) },
    });
    await waitFor(() => queueSettled(nc), { what: 'the message to be settled' });

    await markerCompletes();
    const types = events.of(created.job_id).map((e) => e.type);
    expect(types.filter((t) => t === 'started')).toHaveLength(1);
    expect(types).not.toContain('completed');
    expect(types).not.toContain('failed');
    expect(types.at(-1)).toBe('revoked');
    expect(w.pool.pids()).not.toContain(pid);
  });

  it('kills a child that ignores SIGTERM once the grace is over: outcome killed, signal SIGKILL', async () => {
    await startWorker('w-stubborn', { stubborn: true, graceMs: 500 });
    const created = await publishCreated(nc, { question: 'Explain quicksort.', n_iters: 40 });
    const pid = ((await underWay(created.job_id)).data as JobStartedData).pid;

    const cancelled = await cancel(created.job_id);
    await waitFor(() => revokedOf(created.job_id).length > 0, { what: 'job.revoked', timeoutMs: 30_000 });
    expect(processExists(pid)).toBe(false);
    expect(revokedOf(created.job_id)).toHaveLength(1);
    const revoked = revokedOf(created.job_id)[0];
    expect(revoked.causation_id).toBe(cancelled.id);
    expect(revoked.data).toMatchObject({ terminated: true, outcome: 'killed', signal: 'SIGKILL', pid, worker_id: 'w-stubborn' });
    // SIGKILL comes only after the grace: a lower bound the design guarantees, not a timing.
    expect(revoked.data.took_ms).toBeGreaterThanOrEqual(500);
    await waitFor(() => queueSettled(nc), { what: 'the message to be settled' });
  });

  it('does not publish a result the child sends after the cancel', async () => {
    // The child ignores SIGTERM and finishes the job well within the grace, then is killed.
    const w = await startWorker('w-late', { stubborn: true, graceMs: 5000, latencyMs: 100 });
    const created = await publishCreated(nc, { question: 'Explain quicksort.', n_iters: 1 });
    const pid = ((await underWay(created.job_id)).data as JobStartedData).pid;

    await cancel(created.job_id);
    const discarded = new RegExp(`discarded the 'completed' child ${pid} sent for revoked job ${created.job_id}`);
    await waitFor(() => w.log.has(discarded), { what: 'the child to send its result after the cancel', timeoutMs: 30_000 });
    await waitFor(() => revokedOf(created.job_id).length > 0, { what: 'job.revoked', timeoutMs: 30_000 });
    expect(revokedOf(created.job_id)[0].data).toMatchObject({ outcome: 'killed', signal: 'SIGKILL', pid });
    expect(processExists(pid)).toBe(false);
    await waitFor(() => queueSettled(nc), { what: 'the message to be settled' });
    await markerCompletes();
    expect(events.of(created.job_id).map((e) => e.type)).not.toContain('completed');
  });

  it('with two workers, only the one holding the job stops it and records the revoke', async () => {
    await Promise.all([startWorker('w-a'), startWorker('w-b')]);
    const doomed = await publishCreated(nc, { question: 'Explain quicksort.', n_iters: 40 });
    const spared = await publishCreated(nc, { question: 'Why do cats purr?', n_iters: 6 });
    const [doomedStart, sparedStart] = await Promise.all([underWay(doomed.job_id), underWay(spared.job_id)]);
    const holder = doomedStart.actor.id;
    expect(sparedStart.actor.id).not.toBe(holder);

    await cancel(doomed.job_id);
    await waitFor(() => revokedOf(doomed.job_id).length > 0, { what: 'job.revoked', timeoutMs: 30_000 });
    expect(processExists((doomedStart.data as JobStartedData).pid)).toBe(false);
    await waitFor(() => events.until(spared.job_id, 'completed'), { what: 'the other job to complete', timeoutMs: 30_000 });
    await waitFor(() => queueSettled(nc), { what: 'both messages to be settled' });

    expect(revokedOf(doomed.job_id).map((e) => e.actor.id)).toEqual([holder]);
    expect(new Set(events.of(doomed.job_id).map((e) => e.actor.id))).toEqual(new Set([holder]));
    expect(events.of(spared.job_id).map((e) => e.type)).not.toContain('revoked');
  });

  it('drops a job whose cancel it read while the job still waited in the queue', async () => {
    await startWorker('w-busy');
    const busy = await publishCreated(nc, { question: 'busy', n_iters: 4 });
    await underWay(busy.job_id);
    // The worker's only child is busy, so this job waits in the queue.
    const created = await publishCreated(nc, { question: 'q', n_iters: 1 });
    await publishCancel(nc, created.job_id);
    await waitFor(() => events.until(busy.job_id, 'completed'), { what: 'the busy job to complete', timeoutMs: 30_000 });
    await waitFor(() => queueSettled(nc), { what: 'the cancelled job to be settled' });
    await markerCompletes();
    expect(events.of(created.job_id)).toEqual([]);
  });

  it('catches a cancel sent while the worker was cut off from NATS, on reconnect, and revokes the job', async () => {
    const proxy = await TcpProxy.start(nats.port);
    try {
      const w = await startWorker('w-cut-off', { url: proxy.url });
      const created = await publishCreated(nc, { question: 'Explain quicksort.', n_iters: 40 });
      const pid = ((await underWay(created.job_id)).data as JobStartedData).pid;

      proxy.cut();
      await waitFor(() => w.log.has(/disconnected from NATS/), { what: 'the worker to notice it is cut off' });
      const cancelled = await cancel(created.job_id);
      proxy.restore();

      await waitFor(() => revokedOf(created.job_id).length > 0, { what: 'job.revoked', timeoutMs: 30_000 });
      expect(processExists(pid)).toBe(false);
      expect(revokedOf(created.job_id)).toHaveLength(1);
      expect(revokedOf(created.job_id)[0]).toMatchObject({
        causation_id: cancelled.id,
        data: { terminated: true, outcome: 'terminated', pid },
      });
      await waitFor(() => queueSettled(nc), { what: 'the message to be settled' });
    } finally {
      await Promise.all(workers.splice(0).map(stopWorker));
      await proxy.close();
    }
  });

  it('stops the child that finished a job whose cancel it read only afterwards (cut off unawares, as when frozen), then records the revoke', async () => {
    const proxy = await TcpProxy.start(nats.port);
    try {
      const w = await startWorker('w-stalled', { url: proxy.url, latencyMs: 300 });
      const created = await publishCreated(nc, { question: 'Explain quicksort.', n_iters: 1 });
      const pid = ((await underWay(created.job_id)).data as JobStartedData).pid;

      // Nothing passes between the worker and NATS, and the connection stays up: the worker
      // hears of the cancel only after its child has finished the job.
      proxy.hold();
      const cancelled = await cancel(created.job_id);
      await waitFor(() => w.pool.runningJobs().length === 0, { what: 'the child to finish the job', timeoutMs: 30_000 });
      expect(processExists(pid)).toBe(true);
      proxy.release();

      await waitFor(() => revokedOf(created.job_id).length > 0, { what: 'job.revoked', timeoutMs: 30_000 });
      expect(processExists(pid)).toBe(false);
      expect(revokedOf(created.job_id)).toHaveLength(1);
      expect(revokedOf(created.job_id)[0]).toMatchObject({
        causation_id: cancelled.id,
        data: { terminated: true, outcome: 'terminated', signal: 'SIGTERM', pid, worker_id: 'w-stalled' },
      });
      await waitFor(() => queueSettled(nc), { what: 'the message to be settled' });
      expect(w.pool.pids()).not.toContain(pid);
    } finally {
      await Promise.all(workers.splice(0).map(stopWorker));
      await proxy.close();
    }
  });

  it('never starts a job cancelled before the worker started: it reads the cancels stored since the queue’s ack floor', async () => {
    const created = await publishCreated(nc, { question: 'Explain quicksort.', n_iters: 40 });
    await publishCancel(nc, created.job_id);
    await startWorker('w-late-news');
    await waitFor(() => queueSettled(nc), { what: 'the message to be settled' });
    await markerCompletes();
    expect(events.of(created.job_id)).toEqual([]);
  });

  it('does not start a job taken ahead once NATS dropped while it waited, until it has read the cancels stored meanwhile: here it was cancelled', async () => {
    const proxy = await TcpProxy.start(nats.port);
    try {
      // Taking ahead is on for runs this long only because the test says so.
      const w = await startWorker('w-ahead-cut-off', { url: proxy.url, prefetchBelowMs: 600_000 });
      await markerCompletes();
      const long = await publishCreated(nc, { question: 'Explain quicksort.', n_iters: 15 });
      await underWay(long.job_id);
      const ahead = await publishCreated(nc, { question: 'q', n_iters: 1 });
      await waitFor(() => w.consumer.activeJobs.includes(ahead.job_id), { what: 'the worker to take the second job ahead' });
      expect(events.until(long.job_id, 'completed')).toBeUndefined();

      // Cut off, the worker does not read the cancel as it is stored; back, it reads it before the child is given the job.
      proxy.cut();
      await waitFor(() => w.log.has(/disconnected from NATS/), { what: 'the worker to notice it is cut off' });
      await cancel(ahead.job_id);
      proxy.restore();
      await waitFor(() => events.until(long.job_id, 'completed'), { what: 'the long job to complete', timeoutMs: 30_000 });

      await waitFor(() => queueSettled(nc), { what: 'the cancelled job to be settled', timeoutMs: 30_000 });
      await markerCompletes();
      expect(events.of(ahead.job_id)).toEqual([]);
    } finally {
      await Promise.all(workers.splice(0).map(stopWorker));
      await proxy.close();
    }
  });
});
