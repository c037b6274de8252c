/**
 * (a) A deletion event reaching the durable trail, at a fixed offered rate: `job.deleted.<id>`
 * events (a realistic ~2 KB archived snapshot each) are published to JOBS at `rate`/s in an
 * open loop; each one's audit record is heard on a core subscription to `audit.deleted.*`
 * (the audit service appends it to the AUDIT stream, and a JetStream publish reaches core
 * subscribers, so hearing it means it is stored). Latency counts from when each deletion was
 * due, not when it was sent, so a falling-behind trail is not flattered.
 */
import { randomUUID } from 'node:crypto';
import { Subjects } from '@crux/contracts';
import { publishEvent } from '@crux/messaging';
import { fixedRate } from '../lib/arrivals.mjs';
import { epochNow, epochOf } from '../lib/clock.mjs';
import { UsageWindow } from '../lib/proc.mjs';
import { summarize } from '../lib/stats.mjs';
import { deletedEvent } from './job-events.mjs';

/**
 * @typedef {object} DeletionSample
 * @property {string} jobId
 * @property {number} dueAt
 * @property {number} sentAt
 * @property {number} [storedAt]     PubAck received: the deletion is in JOBS
 * @property {number} [recordedAt]   the record's recorded_at (the audit service sealed it)
 * @property {number} [arrivedAt]    heard on audit.deleted.<id>: the record is in AUDIT
 */

/**
 * `pulls`: the subject on which the audit service asks JetStream for its next batch of job
 * events; the times of those requests (small messages) show whether it ever stopped asking.
 * @param {{ nc: import('@crux/messaging').NatsConnection, js: import('@crux/messaging').JetStreamClient, rate: number, durationS: number, drainMs: number,
 *   watched: import('../lib/proc.mjs').Watched[], pulls: string }} options
 */
export async function deletionRate({ nc, js, rate, durationS, drainMs, watched, pulls }) {
  /** @type {number[]} */
  const pullTimes = [];
  const pullSub = nc.subscribe(pulls, { callback: (error) => void (error || pullTimes.push(epochNow())) });
  /** @type {Map<string, DeletionSample>} */
  const samples = new Map();
  let strays = 0;
  const sub = nc.subscribe(Subjects.auditOfAction('deleted'), {
    callback: (error, msg) => {
      if (error) return;
      const at = epochNow();
      const sample = samples.get(msg.subject.slice(msg.subject.lastIndexOf('.') + 1));
      if (!sample) return void strays++;
      if (sample.arrivedAt !== undefined) return;
      sample.arrivedAt = at;
      sample.recordedAt = Date.parse(msg.json().recorded_at);
    },
  });
  await nc.flush();
  const usage = new UsageWindow(watched, { resetPeak: false }).start();
  const t0 = epochNow();
  const offered = await fixedRate({
    rate,
    durationS,
    deadlineMs: durationS * 1000 + drainMs,
    submit: async (_i, dueAt) => {
      const jobId = randomUUID();
      /** @type {DeletionSample} */
      const sample = { jobId, dueAt: epochOf(dueAt), sentAt: epochNow() };
      samples.set(jobId, sample);
      await publishEvent(js, deletedEvent(jobId, { reason: 'ttl', actor: { kind: 'system', id: 'job-state' } }));
      sample.storedAt = epochNow();
    },
  });
  if (offered.failed > 0) throw new Error(`${offered.failed} deletion publishes failed; the first: ${String(offered.firstError)}`);
  const deadline = performance.now() + drainMs;
  const all = [...samples.values()];
  while (all.some((s) => s.arrivedAt === undefined) && performance.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  const usageRows = usage.stop();
  sub.unsubscribe();
  pullSub.unsubscribe();
  const inWindow = pullTimes.filter((t) => t >= t0);
  const pullGaps = inWindow.slice(1).map((t, i) => t - inWindow[i]);
  const arrived = all.filter((s) => s.arrivedAt !== undefined);
  const last = Math.max(...arrived.map((s) => /** @type {number} */ (s.arrivedAt)));
  /** @param {(s: DeletionSample) => number | undefined} f */
  const stage = (f) =>
    summarize(
      arrived
        .map(f)
        .filter((v) => v !== undefined && Number.isFinite(v))
        .map(Number),
    );
  return {
    offered: Math.round(rate * durationS),
    sent: offered.sent,
    recorded: arrived.length,
    unfinished: all.length - arrived.length,
    strays,
    lateMs: offered.lateMs,
    recordsPerS: arrived.length / ((last - t0) / 1000),
    latency: summarize(all.map((s) => (s.arrivedAt === undefined ? Number.POSITIVE_INFINITY : s.arrivedAt - s.dueAt))),
    stages: {
      publish: stage((s) => (s.storedAt ?? Number.NaN) - s.dueAt),
      seal: stage((s) => (s.recordedAt ?? Number.NaN) - (s.storedAt ?? Number.NaN)),
      append: stage((s) => (s.arrivedAt ?? Number.NaN) - (s.recordedAt ?? Number.NaN)),
    },
    usage: usageRows,
    pulls: { count: inWindow.length, longestGapMs: pullGaps.length ? Math.max(...pullGaps) : Number.NaN },
  };
}
