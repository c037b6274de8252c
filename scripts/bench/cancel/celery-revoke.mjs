/**
 * The cancel benchmark's baseline: the original system's cancel, Celery's
 * `app.control.revoke(task_id, terminate=True, signal='SIGKILL')`, against a prefork pool of
 * the same size running tasks as long as Crux's cancelled jobs. Per cancel: add a long task
 * (its STARTED state, stored because the task tracks it, names the pool child's pid), revoke
 * it as soon as it is heard running, and watch the pid from here exactly as for Crux.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { startCeleryClient, startCeleryWorker } from '../lib/celery.mjs';
import { RESULT_KEY_PREFIX, parseCeleryState } from '../lib/celery-protocol.mjs';
import { epochNow } from '../lib/clock.mjs';
import { PidWatch } from '../lib/pid-watch.mjs';
import { UsageWindow } from '../lib/proc.mjs';
import { inBatches, withTimeout } from './batches.mjs';

const STEP_TIMEOUT_MS = 30_000;

/**
 * One revoke, every time in epoch ms of this machine's clock.
 * @typedef {object} RevokeSample
 * @property {string} taskId
 * @property {number} pid         the pool child running it (its STARTED state)
 * @property {number} askedAt     this process wrote the revoke command to the client
 * @property {number} calledAt    the client called revoke()
 * @property {number} returnedAt  revoke() returned (the broadcast is published)
 * @property {number} goneAt      this process first saw the pid gone
 * @property {number} revokedAt   the REVOKED state's date_done (stored by the worker)
 * @property {number} revokedSeenAt  this process heard the REVOKED state
 */

/**
 * Stored states heard on the result backend's channels, waited for by status and task id.
 */
class StateTap {
  /** @param {Redis} subscriber */
  constructor(subscriber) {
    /** @type {Map<string, { state: import('../lib/celery-protocol.mjs').CeleryState, at: number }>} */
    this.seen = new Map();
    /** @type {Map<string, (v: { state: import('../lib/celery-protocol.mjs').CeleryState, at: number }) => void>} */
    this.waiting = new Map();
    subscriber.on('pmessage', (_pattern, channel, message) => {
      const heard = { state: parseCeleryState(channel, message), at: epochNow() };
      const key = `${heard.state.status} ${heard.state.id}`;
      this.seen.set(key, heard);
      this.waiting.get(key)?.(heard);
      this.waiting.delete(key);
    });
  }

  /** @param {string} status @param {string} id */
  when(status, id) {
    const key = `${status} ${id}`;
    const seen = this.seen.get(key);
    if (seen) return Promise.resolve(seen);
    return withTimeout(new Promise((resolve) => this.waiting.set(key, resolve)), STEP_TIMEOUT_MS, `task ${id} to be ${status}`);
  }

  /** @param {string} id */
  forget(id) {
    for (const key of this.seen.keys()) if (key.endsWith(` ${id}`)) this.seen.delete(key);
  }
}

/**
 * @param {{
 *   redisUrl: string, concurrency: number, parallel: number, count: number, warmup: number,
 *   nIters: number, latencyS: number, watch: PidWatch, extra: import('../lib/proc.mjs').Watched[],
 *   log: (line: string) => void, defer: (cleanup: () => unknown) => void,
 * }} options  extra: processes watched besides Celery's own (Redis, this process)
 */
export async function celeryRevokes({ redisUrl, concurrency, parallel, count, warmup, nIters, latencyS, watch, extra, log, defer }) {
  const subscriber = new Redis(redisUrl);
  defer(() => subscriber.disconnect());
  const tap = new StateTap(subscriber);
  await subscriber.psubscribe(`${RESULT_KEY_PREFIX}*`);
  const worker = await startCeleryWorker({ redisUrl, concurrency });
  defer(() => worker.stop());
  const client = await startCeleryClient({
    redisUrl,
    request: JSON.stringify({ question: 'Prove that there are infinitely many primes.', n_iters: nIters }),
  });
  defer(() => client.close());
  log(`Celery: worker up (prefork pool of ${concurrency}); tasks of ${nIters} × ${latencyS * 1000} ms`);

  const one = async () => {
    const taskId = randomUUID();
    await client.addLong(taskId, nIters, latencyS);
    return {
      start: async () => {
        const started = await tap.when('STARTED', taskId);
        const pid = started.state.pid;
        if (pid === undefined || !Number.isInteger(pid) || pid <= 0) throw new Error(`the STARTED state of task ${taskId} names no pid`);
        if (!PidWatch.alive(pid))
          throw new Error(
            `task ${taskId} (child ${pid}) ended before it was revoked: make it longer (BENCH_CANCEL_N_ITERS, BENCH_CANCEL_LATENCY_MS)`,
          );
        const gone = watch.gone(pid);
        const askedAt = epochNow();
        const call = await client.revoke(taskId);
        return async () => {
          const [goneAt, revoked] = await Promise.all([
            withTimeout(gone, STEP_TIMEOUT_MS, `child ${pid} of task ${taskId} to be gone`),
            tap.when('REVOKED', taskId),
          ]);
          tap.forget(taskId);
          /** @type {RevokeSample} */
          const sample = {
            taskId,
            pid,
            askedAt,
            calledAt: call.before,
            returnedAt: call.after,
            goneAt,
            revokedAt: revoked.state.doneAt,
            revokedSeenAt: revoked.at,
          };
          return sample;
        };
      },
    };
  };

  if (warmup > 0) {
    log(`Celery: ${warmup} warm-up revokes`);
    await inBatches(warmup, parallel, one);
  }
  const watched = [...worker.processes, client.process, ...extra];
  log(`Celery: ${count} revokes, ${parallel} at a time`);
  watch.worstGapMs = 0;
  const usage = new UsageWindow(watched, { resetPeak: false }).start();
  const samples = await inBatches(count, parallel, one);
  const usageRows = usage.stop();
  const worstGapMs = watch.worstGapMs;
  await client.close();
  await worker.stop();
  return { samples, usage: usageRows, worstGapMs };
}
