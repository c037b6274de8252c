/**
 * How work is offered to a system under test. Both shapes are bounded in count and time.
 *
 * - burst: `count` submissions, as fast as the system accepts them, at most `inFlight` at once.
 * - fixedRate: an open loop. Submission i is due at t0 + i/rate whether or not earlier ones
 *   have been answered, and its latency is counted from when it was due, so a system that
 *   falls behind is not flattered by a client that slowed down with it (coordinated omission).
 */
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * @typedef {object} Offered
 * @property {number} sent       submissions made
 * @property {number} failed     submissions that threw
 * @property {unknown} firstError
 * @property {number} spanMs     from the first submission to the last one's answer
 * @property {number} lateMs     fixedRate only: how far the last submission left after it was due
 */

/**
 * @param {{ count: number, inFlight: number, submit: (i: number) => Promise<void>, deadlineMs: number }} options
 * @returns {Promise<Offered>}
 */
export async function burst({ count, inFlight, submit, deadlineMs }) {
  const t0 = performance.now();
  const deadline = t0 + deadlineMs;
  let next = 0;
  let failed = 0;
  /** @type {unknown} */
  let firstError;
  const lane = async () => {
    while (next < count && performance.now() < deadline) {
      const i = next++;
      try {
        await submit(i);
      } catch (error) {
        failed++;
        firstError ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, lane));
  return { sent: next, failed, firstError, spanMs: performance.now() - t0, lateMs: 0 };
}

/**
 * @param {{ rate: number, durationS: number, submit: (i: number, dueAt: number) => Promise<void>, deadlineMs: number }} options
 *   `dueAt` is a performance.now() time.
 * @returns {Promise<Offered>}
 */
export async function fixedRate({ rate, durationS, submit, deadlineMs }) {
  const count = Math.round(rate * durationS);
  const intervalMs = 1000 / rate;
  const t0 = performance.now();
  const deadline = t0 + deadlineMs;
  let failed = 0;
  /** @type {unknown} */
  let firstError;
  /** @type {Promise<void>[]} */
  const pending = [];
  let i = 0;
  let lateMs = 0;
  while (i < count) {
    const now = performance.now();
    if (now > deadline) break;
    for (; i < count && t0 + i * intervalMs <= now; i++) {
      const dueAt = t0 + i * intervalMs;
      lateMs = now - dueAt;
      pending.push(
        submit(i, dueAt).catch((error) => {
          failed++;
          firstError ??= error;
        }),
      );
    }
    const wait = t0 + i * intervalMs - performance.now();
    // Timers fire no sooner than 1 ms; a shorter wait yields to I/O and looks again.
    if (wait >= 1) await sleep(Math.floor(wait));
    else await new Promise((resolve) => setImmediate(resolve));
  }
  const stop = new AbortController();
  await Promise.race([
    Promise.all(pending),
    sleep(Math.max(0, deadline - performance.now()), undefined, { signal: stop.signal }).catch(() => undefined),
  ]);
  stop.abort();
  return { sent: i, failed, firstError, spanMs: performance.now() - t0, lateMs };
}
