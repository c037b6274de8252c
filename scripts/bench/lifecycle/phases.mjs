/**
 * The two measured phases of the lifecycle benchmark, the same for every system driven:
 *
 * - burst: N jobs submitted as fast as they are accepted (a bounded number in flight);
 *   throughput = completed jobs ÷ (last completion seen − first submission).
 * - rate: an open loop at a fixed offered rate for a fixed time; latency of each job from
 *   when it was due to when the client saw it complete. A job not complete by the drain
 *   limit counts as unfinished (an infinite latency), never as dropped. The same phase at a
 *   light rate shows each system's latency without queueing.
 */
import { burst, fixedRate } from '../lib/arrivals.mjs';
import { UsageWindow } from '../lib/proc.mjs';
import { summarize } from '../lib/stats.mjs';
import { epochNow } from './job-log.mjs';

/** @typedef {import('./job-log.mjs').JobTimes} JobTimes */
/** @typedef {import('./driver.mjs').Driver} Driver */

/**
 * @typedef {object} PhaseResult
 * @property {string} phase
 * @property {number} offered       jobs the phase meant to submit
 * @property {number} accepted
 * @property {number} completed
 * @property {number} unfinished    accepted, not seen complete within the drain limit
 * @property {number} notAccepted   offered, but the submission had not been answered by the phase's deadline
 * @property {number} spanS         first submission → last completion seen
 * @property {number} throughput    completed jobs/s over spanS
 * @property {number} lateMs        rate phase: the generator's worst lateness
 * @property {import('../lib/stats.mjs').Summary} latency  add → complete, ms
 * @property {Record<string, import('../lib/stats.mjs').Summary>} stages  ms
 * @property {import('../lib/proc.mjs').UsageRow[]} usage
 * @property {Record<string, number>} backlogMax
 */

/** Stage breakdown of one job, ms; the stage names say what each system calls them. */
export const STAGES = [
  { key: 'accept', label: 'submit → accepted (HTTP 202 / Queue.add resolved / apply_async returned)', from: 'sentAt', to: 'acceptedAt' },
  {
    key: 'queue',
    label: 'created → started (queue, dispatch; BullMQ: added → active; Celery: apply_async → task body)',
    from: 'createdAt',
    to: 'startedAt',
  },
  {
    key: 'run',
    label: 'started → completed (the run; BullMQ: active → finished; Celery: task body → result stored)',
    from: 'startedAt',
    to: 'completedAt',
  },
  {
    key: 'notify',
    label: "completed → client saw it (NATS sub / QueueEvents / the result backend's PUBLISH)",
    from: 'completedAt',
    to: 'observedAt',
  },
];

/**
 * Samples the driver's backlogs every 250 ms (one sample at a time) and keeps the largest.
 * @param {Driver} driver
 */
function backlogSampler(driver) {
  /** @type {Record<string, number>} */
  const max = {};
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      for (const [name, value] of Object.entries(await driver.backlogs())) if (value !== null) max[name] = Math.max(max[name] ?? 0, value);
    } catch {
      // A sample missed under load says nothing about the system.
    } finally {
      busy = false;
    }
  }, 250);
  return () => {
    clearInterval(timer);
    return max;
  };
}

/**
 * @param {string} phase
 * @param {Driver} driver
 * @param {import('../lib/proc.mjs').Watched[]} watched
 * @param {number} drainMs
 * @param {(jobs: JobTimes[]) => Promise<{ offered: number, lateMs: number, failed: number, firstError: unknown }>} offer
 * @param {(job: JobTimes) => number | undefined} startOf  where a job's latency is counted from
 * @returns {Promise<PhaseResult>}
 */
async function measure(phase, driver, watched, drainMs, offer, startOf) {
  /** @type {JobTimes[]} */
  const jobs = [];
  await driver.markPhase();
  const usage = new UsageWindow(watched, { resetPeak: false }).start();
  const stopSampling = backlogSampler(driver);
  const t0 = epochNow();
  const offered = await offer(jobs);
  const unfinishedJobs = await driver.log.settle(jobs, drainMs);
  const usageRows = usage.stop();
  const backlogMax = stopSampling();
  if (offered.failed > 0)
    throw new Error(`${driver.name} ${phase}: ${offered.failed} submissions failed; the first: ${String(offered.firstError)}`);
  const failures = jobs.filter((j) => j.failed !== undefined);
  if (failures.length > 0) throw new Error(`${driver.name} ${phase}: ${failures.length} jobs failed; the first: ${failures[0].failed}`);

  // A submission still unanswered at the deadline is a job that never completed, not one left out.
  const notAccepted = Math.max(0, offered.offered - jobs.length);
  await driver.fillStages(jobs);
  const done = jobs.filter((j) => j.observedAt !== undefined);
  const lastSeen = Math.max(...done.map((j) => /** @type {number} */ (j.observedAt)));
  const first = Math.min(t0, ...jobs.map((j) => j.dueAt ?? j.sentAt ?? t0));
  const spanS = (lastSeen - first) / 1000;
  /** @type {Record<string, import('../lib/stats.mjs').Summary>} */
  const stages = {};
  for (const stage of STAGES) {
    const values = done.flatMap((j) => {
      const from = j[/** @type {keyof JobTimes} */ (stage.from)];
      const to = j[/** @type {keyof JobTimes} */ (stage.to)];
      return typeof from === 'number' && typeof to === 'number' ? [to - from] : [];
    });
    stages[stage.key] = summarize(values);
  }
  return {
    phase,
    offered: offered.offered,
    accepted: jobs.length,
    notAccepted,
    completed: done.length,
    unfinished: unfinishedJobs.length,
    spanS,
    throughput: done.length / spanS,
    lateMs: offered.lateMs,
    latency: summarize([
      ...jobs.map((j) => (j.observedAt === undefined ? Number.POSITIVE_INFINITY : j.observedAt - /** @type {number} */ (startOf(j)))),
      ...Array.from({ length: notAccepted }, () => Number.POSITIVE_INFINITY),
    ]),
    stages,
    usage: usageRows,
    backlogMax,
  };
}

/**
 * @param {Driver} driver
 * @param {{ count: number, inFlight: number, drainMs: number, watched: import('../lib/proc.mjs').Watched[] }} options
 */
export function burstPhase(driver, { count, inFlight, drainMs, watched }) {
  return measure(
    'burst',
    driver,
    watched,
    drainMs,
    async (jobs) => {
      const r = await burst({ count, inFlight, deadlineMs: drainMs, submit: async () => void jobs.push(await driver.submit()) });
      return {
        offered: count,
        lateMs: 0,
        failed: r.failed + (count - r.sent),
        firstError: r.firstError ?? (r.sent < count ? 'deadline reached' : undefined),
      };
    },
    (j) => j.sentAt,
  );
}

/**
 * @param {Driver} driver
 * @param {{ rate: number, durationS: number, drainMs: number, watched: import('../lib/proc.mjs').Watched[], phase?: string }} options
 */
export function ratePhase(driver, { rate, durationS, drainMs, watched, phase = 'rate' }) {
  return measure(
    phase,
    driver,
    watched,
    drainMs,
    async (jobs) => {
      const count = Math.round(rate * durationS);
      const r = await fixedRate({
        rate,
        durationS,
        deadlineMs: durationS * 1000 + drainMs,
        submit: async (_i, dueAt) => void jobs.push(await driver.submit(performance.timeOrigin + dueAt)),
      });
      return {
        offered: count,
        lateMs: r.lateMs,
        failed: r.failed + (count - r.sent),
        firstError: r.firstError ?? (r.sent < count ? 'deadline reached' : undefined),
      };
    },
    (j) => j.dueAt,
  );
}

/**
 * Unmeasured jobs first, so every process has loaded and compiled its hot paths.
 * @param {Driver} driver
 * @param {{ count: number, inFlight: number, drainMs: number }} options
 */
export async function warmUp(driver, { count, inFlight, drainMs }) {
  /** @type {JobTimes[]} */
  const jobs = [];
  const r = await burst({ count, inFlight, deadlineMs: drainMs, submit: async () => void jobs.push(await driver.submit()) });
  if (r.failed) throw new Error(`${driver.name} warm-up: ${r.failed} submissions failed; the first: ${String(r.firstError)}`);
  const open = await driver.log.settle(jobs, drainMs);
  if (open.length) throw new Error(`${driver.name} warm-up: ${open.length} of ${count} jobs not complete after ${drainMs / 1000} s`);
  const failed = jobs.filter((j) => j.failed !== undefined);
  if (failed.length) throw new Error(`${driver.name} warm-up: ${failed.length} jobs failed; the first: ${failed[0].failed}`);
}
