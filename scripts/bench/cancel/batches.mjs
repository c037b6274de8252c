/**
 * How the cancel benchmark paces its cancels, the same for Crux and for Celery: batches of
 * jobs that are all running before any is cancelled, each batch waiting for the last.
 */

/**
 * `count` runs of `one`, `parallel` at a time, each batch waiting for the last: every job of
 * a batch is running before any is cancelled.
 * @template T
 * @param {number} count
 * @param {number} parallel
 * @param {() => Promise<{ start: () => Promise<() => Promise<T>> }>} one
 * @returns {Promise<T[]>}
 */
export async function inBatches(count, parallel, one) {
  /** @type {T[]} */
  const out = [];
  for (let done = 0; done < count;) {
    const n = Math.min(parallel, count - done);
    const jobs = await Promise.all(Array.from({ length: n }, () => one()));
    const cancels = await Promise.all(jobs.map((j) => j.start()));
    out.push(...(await Promise.all(cancels.map((finish) => finish()))));
    done += n;
  }
  return out;
}

/**
 * @template T
 * @param {Promise<T>} promise
 * @param {number} timeoutMs
 * @param {string} what
 * @returns {Promise<T>}
 */
export function withTimeout(promise, timeoutMs, what) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`)), timeoutMs);
    }),
  ]);
}
