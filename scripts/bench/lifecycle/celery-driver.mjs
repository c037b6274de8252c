/**
 * Celery as the lifecycle benchmark's second baseline, the stack Crux replaces, on the same
 * Redis as Crux: tasks added with apply_async by the Celery client in its own Python process
 * (as the original API process did), run by a prefork worker with Crux's pool size as its
 * concurrency, completion heard on the PUBLISH that Celery's Redis result backend makes for
 * every stored state (one pattern subscription here; nothing is polled).
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { startCeleryClient, startCeleryWorker } from '../lib/celery.mjs';
import { RESULT_KEY_PREFIX, parseCeleryState, peekStatus } from '../lib/celery-protocol.mjs';
import { SOLVE_BODY } from '../lib/crux.mjs';
import { JobLog, epochNow } from './job-log.mjs';

/** Celery's default queue: a Redis list; kombu keeps delivered, unacknowledged messages in `unacked`. */
const QUEUE = 'celery';
const UNACKED = 'unacked';

/**
 * @param {{ redisUrl: string, concurrency: number }} options
 * @returns {Promise<import('./driver.mjs').Driver>}
 */
export async function startCelery({ redisUrl, concurrency }) {
  const log = new JobLog();
  /** Each job's stored SUCCESS, decoded only after the phase. */
  const stored = new Map();
  const subscriber = new Redis(redisUrl, { lazyConnect: true });
  const redis = new Redis(redisUrl, { lazyConnect: true });
  /** @type {Awaited<ReturnType<typeof startCeleryWorker>> | undefined} */
  let worker;
  /** @type {Awaited<ReturnType<typeof startCeleryClient>> | undefined} */
  let client;
  const stopProcesses = async () => {
    await client?.close();
    await worker?.stop();
  };
  const close = async () => {
    await stopProcesses();
    subscriber.disconnect();
    redis.disconnect();
  };
  try {
    await Promise.all([subscriber.connect(), redis.connect()]);
    subscriber.on('pmessage', (_pattern, channel, message) => {
      const status = peekStatus(message);
      if (status === 'STARTED') return;
      const id = channel.slice(RESULT_KEY_PREFIX.length);
      if (status === 'SUCCESS') {
        log.observed(id, epochNow());
        stored.set(id, message);
      } else log.failed(id, `${status}: ${message}`);
    });
    await subscriber.psubscribe(`${RESULT_KEY_PREFIX}*`);
    worker = await startCeleryWorker({ redisUrl, concurrency });
    client = await startCeleryClient({ redisUrl, request: SOLVE_BODY });
  } catch (error) {
    await close();
    throw error;
  }
  const celery = client;

  const backlogs = async () => {
    const [waiting, reserved] = await Promise.all([redis.llen(QUEUE), redis.hlen(UNACKED)]);
    return { 'work queue (waiting + reserved)': waiting + reserved };
  };
  return {
    name: 'Celery',
    log,
    async submit(dueAt) {
      const id = randomUUID();
      const sentAt = epochNow();
      const job = log.job(id);
      const { before } = await celery.add(id);
      Object.assign(job, { dueAt: dueAt ?? sentAt, sentAt, acceptedAt: epochNow(), createdAt: before });
      return job;
    },
    async markPhase() {},
    // Each stored result carries when its body began (the task's metadata) and date_done.
    async fillStages(jobs) {
      for (const job of jobs) {
        const message = stored.get(job.id);
        if (!message) continue;
        const state = parseCeleryState(`${RESULT_KEY_PREFIX}${job.id}`, message);
        Object.assign(job, { startedAt: state.startedAt, completedAt: state.doneAt });
        stored.delete(job.id);
      }
    },
    backlogs,
    async quiesce(timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const left = Object.values(await backlogs()).reduce((a, b) => a + b, 0);
        if (left === 0) return;
        if (performance.now() > deadline)
          throw new Error(`Celery still had ${left} tasks ${timeoutMs / 1000} s after the last one was added`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    processes: [...worker.processes, celery.process],
    stopProcesses,
    close,
  };
}
