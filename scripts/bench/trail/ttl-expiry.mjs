/**
 * (b) TTL expiry reaching the trail: completed jobs (their created, started and completed
 * events published to JOBS at a steady rate, as the gateway and a worker would) in a system
 * whose completed-job TTL is a second or so; job-state's sweep finds each one due, publishes
 * its `deleted` (reason ttl) and the audit service records it. Latency = the record heard on
 * `audit.deleted.<id>` − the job's expiry deadline, completed_at + TTL (what a user is told).
 * The deadline job-state itself keeps in its expiry index (set when it applied `completed`)
 * is read too, to tell projection delay from sweep delay.
 */
import { RedisKeys, Subjects } from '@crux/contracts';
import { publishEvent } from '@crux/messaging';
import { fixedRate } from '../lib/arrivals.mjs';
import { epochNow } from '../lib/clock.mjs';
import { UsageWindow } from '../lib/proc.mjs';
import { summarize } from '../lib/stats.mjs';
import { completedJobEvents } from './job-events.mjs';

/**
 * @typedef {object} ExpirySample
 * @property {string} jobId
 * @property {number} [completedAt]    completed_at (the completed event's occurred_at)
 * @property {number} [indexDeadline]  job-state's deadline in jobs:expiry (ms)
 * @property {number} [deletedAt]      the deleted event's occurred_at (job-state's sweep made it)
 * @property {string} [reason]         the trail record's reason
 * @property {number} [recordedAt]     the record's recorded_at
 * @property {number} [arrivedAt]      heard on audit.deleted.<id>
 */

/**
 * @param {{ nc: import('@crux/messaging').NatsConnection, js: import('@crux/messaging').JetStreamClient, redis: import('ioredis').Redis,
 *   count: number, rate: number, ttlS: number, drainMs: number, watched: import('../lib/proc.mjs').Watched[] }} options
 */
export async function ttlExpiry({ nc, js, redis, count, rate, ttlS, drainMs, watched }) {
  /** @type {Map<string, ExpirySample>} */
  const samples = new Map();
  const idOf = (/** @type {string} */ subject) => subject.slice(subject.lastIndexOf('.') + 1);
  const deletions = nc.subscribe(Subjects.eventsOfType('deleted'), {
    callback: (error, msg) => {
      const sample = error ? undefined : samples.get(idOf(msg.subject));
      if (sample && sample.deletedAt === undefined) sample.deletedAt = Date.parse(msg.json().occurred_at);
    },
  });
  const records = nc.subscribe(Subjects.auditOfAction('deleted'), {
    callback: (error, msg) => {
      const at = epochNow();
      const sample = error ? undefined : samples.get(idOf(msg.subject));
      if (!sample || sample.arrivedAt !== undefined) return;
      const record = msg.json();
      Object.assign(sample, { arrivedAt: at, recordedAt: Date.parse(record.recorded_at), reason: record.reason });
    },
  });
  await nc.flush();

  // The expiry index lives at least the TTL: a look every 25 ms sees every entry.
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const flat = await redis.zrange(RedisKeys.expiry, '0', '-1', 'WITHSCORES');
      for (let i = 0; i < flat.length; i += 2) {
        const sample = samples.get(flat[i]);
        if (sample && sample.indexDeadline === undefined) sample.indexDeadline = Number(flat[i + 1]);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();

  const usage = new UsageWindow(watched, { resetPeak: false }).start();
  const seeded = await fixedRate({
    rate,
    durationS: count / rate,
    deadlineMs: (count / rate) * 1000 + drainMs,
    submit: async () => {
      const { jobId, created, started, completed } = completedJobEvents();
      /** @type {ExpirySample} */
      const sample = { jobId, completedAt: Date.parse(completed.occurred_at) };
      samples.set(jobId, sample);
      // One connection keeps the order: created, started, completed land in that order.
      await Promise.all([publishEvent(js, created), publishEvent(js, started), publishEvent(js, completed)]);
    },
  });
  if (seeded.failed > 0) throw new Error(`${seeded.failed} jobs could not be published; the first: ${String(seeded.firstError)}`);
  const all = [...samples.values()];
  const deadline = performance.now() + ttlS * 1000 + drainMs;
  while (all.some((s) => s.arrivedAt === undefined) && performance.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  const usageRows = usage.stop();
  polling = false;
  await poller;
  deletions.unsubscribe();
  records.unsubscribe();

  const ttlMs = ttlS * 1000;
  const arrived = all.filter((s) => s.arrivedAt !== undefined);
  /** @param {(s: ExpirySample) => number} f */
  const stage = (f) => summarize(arrived.map(f).filter(Number.isFinite));
  const n = (/** @type {number | undefined} */ v) => v ?? Number.NaN;
  return {
    jobs: all.length,
    recorded: arrived.length,
    unfinished: all.length - arrived.length,
    notTtl: arrived.filter((s) => s.reason !== 'ttl').length,
    lateMs: seeded.lateMs,
    latency: summarize(all.map((s) => (s.arrivedAt === undefined ? Number.POSITIVE_INFINITY : s.arrivedAt - (n(s.completedAt) + ttlMs)))),
    fromIndex: stage((s) => n(s.arrivedAt) - n(s.indexDeadline)),
    stages: {
      project: stage((s) => n(s.indexDeadline) - (n(s.completedAt) + ttlMs)),
      sweep: stage((s) => n(s.deletedAt) - n(s.indexDeadline)),
      seal: stage((s) => n(s.recordedAt) - n(s.deletedAt)),
      append: stage((s) => n(s.arrivedAt) - n(s.recordedAt)),
    },
    usage: usageRows,
  };
}
