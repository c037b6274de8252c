/**
 * BullMQ as the lifecycle benchmark's baseline, on the same Redis as Crux: jobs added with
 * Queue.add, run by a BullMQ Worker in its own process (baselines/bullmq-worker.mjs) with
 * Crux's pool size as its concurrency, completion seen through QueueEvents (BullMQ's own
 * way for a client to hear of it, through Redis). BullMQ's defaults otherwise: completed
 * jobs are kept, as Crux keeps each job's state.
 */
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents } from 'bullmq';
import { ManagedProcess, waitFor } from '@crux/test-harness';
import { SOLVE_BODY, processEnv } from '../lib/crux.mjs';
import { JobLog, epochNow } from './job-log.mjs';

/**
 * @param {{ redisUrl: string, concurrency: number, queueName: string }} options
 * @returns {Promise<import('./driver.mjs').Driver>}
 */
export async function startBullmq({ redisUrl, concurrency, queueName }) {
  const url = new URL(redisUrl);
  const connection = { host: url.hostname, port: Number(url.port) };
  const request = JSON.parse(SOLVE_BODY);
  const log = new JobLog();
  const queue = new Queue(queueName, { connection });
  const events = new QueueEvents(queueName, { connection });
  const worker = new ManagedProcess(
    'bullmq-worker',
    process.execPath,
    [fileURLToPath(new URL('../baselines/bullmq-worker.mjs', import.meta.url))],
    {
      ...process.env,
      ...processEnv({ REDIS_URL: redisUrl, BENCH_QUEUE: queueName, BENCH_CONCURRENCY: String(concurrency) }),
    },
  );
  const close = async () => {
    await worker.stop();
    await events.close().catch(() => undefined);
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close().catch(() => undefined);
  };
  try {
    events.on('completed', ({ jobId }) => log.observed(jobId, epochNow()));
    events.on('failed', ({ jobId, failedReason }) => log.failed(jobId, failedReason));
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    worker.start();
    await waitFor(
      () => {
        if (!worker.running) throw new Error(`the BullMQ worker exited: ${worker.log()}`);
        return worker.log().includes('bullmq-worker ready');
      },
      { what: 'the BullMQ worker', timeoutMs: 20_000 },
    );
  } catch (error) {
    await close();
    throw error;
  }

  const backlogs = async () => {
    const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return { 'work queue (waiting + active)': (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0) };
  };
  return {
    name: 'BullMQ',
    log,
    async submit(dueAt) {
      const sentAt = epochNow();
      const added = await queue.add('solve', request);
      if (!added.id) throw new Error('Queue.add returned a job without an id');
      const job = log.job(added.id);
      Object.assign(job, { dueAt: dueAt ?? sentAt, sentAt, acceptedAt: epochNow() });
      return job;
    },
    async markPhase() {},
    // BullMQ keeps each job's added, processed and finished times on the job: read them back after the phase.
    async fillStages(jobs) {
      for (let i = 0; i < jobs.length; i += 500) {
        const slice = jobs.slice(i, i + 500);
        const stored = await Promise.all(slice.map((j) => queue.getJob(j.id)));
        stored.forEach((s, n) => {
          if (!s) return;
          Object.assign(slice[n], { createdAt: s.timestamp, startedAt: s.processedOn, completedAt: s.finishedOn });
        });
      }
    },
    backlogs,
    async quiesce(timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const left = Object.values(await backlogs()).reduce((a, b) => a + b, 0);
        if (left === 0) return;
        if (performance.now() > deadline)
          throw new Error(`BullMQ still had ${left} jobs ${timeoutMs / 1000} s after the last one was added`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    processes: [{ label: 'bullmq-worker', pids: () => (worker.pid ? [worker.pid] : []) }],
    stopProcesses: () => worker.stop(),
    close,
  };
}
