/**
 * (c) An archived, audited purge of N completed jobs through the API (plan by status →
 * confirm with the token → until the plan is completed and the trail holds all N `deleted`
 * records), against the old system's purge loop (`for id in ids: DEL job:{id}`, one awaited
 * round trip per job) on N comparable hashes on the same Redis server, in the same run.
 *
 * The N Crux jobs are seeded quickly by publishing each one's created, started and completed
 * events straight to JOBS (many in flight), then waiting until job-state has projected them
 * all and the audit service has read past them; none of that is timed.
 */
import { randomUUID } from 'node:crypto';
import { ConsumerName, RedisKeys, StreamName, Subjects } from '@crux/contracts';
import { publishEvent } from '@crux/messaging';
import { Redis } from 'ioredis';
import { burst } from '../lib/arrivals.mjs';
import { epochNow } from '../lib/clock.mjs';
import { auditBacklog, backlog } from '../lib/crux.mjs';
import { UsageWindow } from '../lib/proc.mjs';
import { countOnSubject, streamState } from '../lib/stream-count.mjs';
import { completedJobEvents, oldSystemHash } from './job-events.mjs';

const PURGES = '/api/v1/admin/purges';
/** How often the purge's progress is sampled (stream counts, Redis, the plan's status). */
const SAMPLE_MS = 50;
const PLAN_STATUS_EVERY = 5;

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Publishes `count` completed jobs' events to JOBS, `inFlight` jobs at once, and waits until
 * job-state has projected every one (their status index holds them) and nothing is left for
 * the projector or the audit service.
 * @param {{ js: import('@crux/messaging').JetStreamClient, jsm: import('@crux/messaging').JetStreamManager, redis: Redis, count: number, inFlight: number,
 *   timeoutMs: number, log: (line: string) => void }} options
 */
export async function seedCompletedJobs({ js, jsm, redis, count, inFlight, timeoutMs, log }) {
  const before = await redis.zcard(RedisKeys.byStatus('completed'));
  const t0 = performance.now();
  let next = 0;
  const progress = setInterval(() => log(`seeding: ${next} of ${count} jobs published`), 10_000);
  const published = await burst({
    count,
    inFlight,
    deadlineMs: timeoutMs,
    submit: async () => {
      next++;
      const { created, started, completed } = completedJobEvents();
      await Promise.all([publishEvent(js, created), publishEvent(js, started), publishEvent(js, completed)]);
    },
  }).finally(() => clearInterval(progress));
  if (published.failed || published.sent < count) {
    throw new Error(
      `seeding: ${published.failed} of ${published.sent} jobs not published (wanted ${count}); the first error: ${String(published.firstError)}`,
    );
  }
  const publishS = (performance.now() - t0) / 1000;
  const deadline = t0 + timeoutMs;
  let lastLog = performance.now();
  for (;;) {
    const [projected, projector, audit] = await Promise.all([
      redis.zcard(RedisKeys.byStatus('completed')),
      backlog(jsm, ConsumerName.Projector),
      auditBacklog(jsm),
    ]);
    if (projected - before >= count && projector === 0 && (audit ?? 0) === 0) break;
    if (performance.now() > deadline)
      throw new Error(
        `seeding: after ${timeoutMs / 1000} s, ${projected - before} of ${count} jobs projected, projector backlog ${projector}, audit backlog ${audit}`,
      );
    if (performance.now() - lastLog > 10_000) {
      lastLog = performance.now();
      log(`seeding: ${projected - before} of ${count} jobs projected (projector backlog ${projector}, audit backlog ${audit})`);
    }
    await sleep(100);
  }
  return { publishS, projectedS: (performance.now() - t0) / 1000, events: count * 3 };
}

/**
 * @typedef {object} PurgeRun
 * @property {number} count          jobs the plan froze
 * @property {number} spanS          POST plan → the plan completed and the trail holds every record
 * @property {number} jobsPerS
 * @property {Record<string, number>} at   seconds from the plan request to each milestone
 * @property {{ deleted: number, skipped: number, failed: number }} plan  the plan's final counts
 * @property {number} trailDeleted   `deleted` records in AUDIT from this purge (exact count)
 * @property {number} jobsDeleted    `deleted` events in JOBS from this purge (exact count)
 * @property {number} keysLeft       completed jobs still indexed in Redis at the end
 * @property {import('../lib/proc.mjs').UsageRow[]} usage
 */

/**
 * Runs the purge through the gateway as an operator and follows it to the end.
 * @param {{ http: import('../lib/http-client.mjs').JsonClient, operator: Record<string, string>, jsm: import('@crux/messaging').JetStreamManager, redis: Redis,
 *   expected: number, timeoutMs: number, watched: import('../lib/proc.mjs').Watched[], log: (line: string) => void }} options
 * @returns {Promise<PurgeRun>}
 */
export async function cruxPurge({ http, operator, jsm, redis, expected, timeoutMs, watched, log }) {
  const [jobs0, audit0, indexed0] = await Promise.all([
    streamState(jsm, StreamName.Jobs),
    streamState(jsm, StreamName.Audit),
    redis.zcard(RedisKeys.byStatus('completed')),
  ]);
  const send = (/** @type {string} */ method, /** @type {string} */ path, /** @type {unknown} */ body = undefined) =>
    http.send(method, path, body === undefined ? undefined : JSON.stringify(body), operator);
  const usage = new UsageWindow(watched, { resetPeak: false }).start();
  const t0 = epochNow();
  /** @type {Record<string, number>} */
  const at = {};
  const mark = (/** @type {string} */ name) => (at[name] ??= (epochNow() - t0) / 1000);

  const planned = await send('POST', PURGES, { status: ['completed'], reason: 'benchmark: archived, audited purge' });
  if (planned.status !== 201) throw new Error(`POST ${PURGES} answered ${planned.status} ${JSON.stringify(planned.body)}`);
  mark('planned');
  const { plan_id: planId, count, confirm_token: token } = planned.body;
  if (count !== expected) throw new Error(`the plan froze ${count} jobs, not the ${expected} seeded: something else is in the system`);
  log(`plan ${planId}: ${count} jobs; confirming`);
  const confirmed = await send('POST', `${PURGES}/${planId}/confirm`, { confirm_token: token });
  if (confirmed.status !== 202)
    throw new Error(`POST ${PURGES}/${planId}/confirm answered ${confirmed.status} ${JSON.stringify(confirmed.body)}`);
  mark('confirmed');

  // JOBS gains purge_planned, purge_confirmed and the deletions; AUDIT one record of each.
  const deadline = performance.now() + timeoutMs;
  /** @type {any} */
  let status = confirmed.body;
  let lastLog = performance.now();
  for (let i = 0; ; i++) {
    const [jobs, audit, indexed] = await Promise.all([
      streamState(jsm, StreamName.Jobs),
      streamState(jsm, StreamName.Audit),
      redis.zcard(RedisKeys.byStatus('completed')),
    ]);
    const inJobs = jobs.messages - jobs0.messages - 2;
    const inTrail = audit.messages - audit0.messages - 2;
    const keysGone = indexed0 - indexed;
    if (inJobs >= count) mark('archived');
    if (keysGone >= count) mark('keysGone');
    if (inTrail >= count) mark('trailComplete');
    if (i % PLAN_STATUS_EVERY === 0 || at.trailComplete !== undefined) {
      const answer = await send('GET', `${PURGES}/${planId}`);
      if (answer.status !== 200) throw new Error(`GET ${PURGES}/${planId} answered ${answer.status} ${JSON.stringify(answer.body)}`);
      status = answer.body;
      if (status.status === 'completed') mark('planCompleted');
    }
    if (at.planCompleted !== undefined && at.trailComplete !== undefined) break;
    if (performance.now() > deadline) {
      throw new Error(
        `purge of ${count}: after ${timeoutMs / 1000} s, ${inJobs} deletions in JOBS, ${keysGone} keys gone, ${inTrail} trail records, plan ${status.status} (${status.deleted} deleted)`,
      );
    }
    if (performance.now() - lastLog > 5000) {
      lastLog = performance.now();
      log(`purge: ${inJobs} deletions archived in JOBS, ${keysGone} keys gone, ${inTrail} trail records, plan ${status.status}`);
    }
    await sleep(SAMPLE_MS);
  }
  const spanS = Math.max(at.planCompleted, at.trailComplete);
  const usageRows = usage.stop();
  const [trailDeleted, jobsDeleted, keysLeft] = await Promise.all([
    countOnSubject(jsm, StreamName.Audit, Subjects.auditOfAction('deleted'), audit0.lastSeq + 1),
    countOnSubject(jsm, StreamName.Jobs, Subjects.eventsOfType('deleted'), jobs0.lastSeq + 1),
    redis.zcard(RedisKeys.byStatus('completed')),
  ]);
  if (trailDeleted !== count) throw new Error(`the trail holds ${trailDeleted} deleted records from this purge, not ${count}`);
  return {
    count,
    spanS,
    jobsPerS: count / spanS,
    at,
    plan: { deleted: status.deleted, skipped: status.skipped, failed: status.failed },
    trailDeleted,
    jobsDeleted,
    keysLeft,
    usage: usageRows,
  };
}

/**
 * The old system's purge: N hashes shaped like its `job:{id}` (written beforehand, not timed),
 * then `for id in ids: DEL job:{id}`, one awaited round trip each — in a database of its own
 * on the same Redis server, so Crux's keys and keyspace listener are not involved.
 * @param {{ redisUrl: string, db: number, count: number, watched: import('../lib/proc.mjs').Watched[] }} options
 */
export async function oldPurgeLoop({ redisUrl, db, count, watched }) {
  const redis = new Redis(redisUrl, { db, connectionName: 'bench-old-purge' });
  try {
    if ((await redis.dbsize()) !== 0) throw new Error(`Redis db ${db} is not empty: the old loop needs it to itself`);
    const ids = Array.from({ length: count }, () => randomUUID());
    for (let i = 0; i < ids.length; i += 1000) {
      const pipeline = redis.pipeline();
      for (const id of ids.slice(i, i + 1000)) pipeline.hset(`job:${id}`, oldSystemHash(id));
      await pipeline.exec();
    }
    if ((await redis.dbsize()) !== count) throw new Error(`seeded ${await redis.dbsize()} old-system hashes, not ${count}`);
    const usage = new UsageWindow(watched, { resetPeak: false }).start();
    const t0 = performance.now();
    let deleted = 0;
    for (const id of ids) deleted += await redis.del(`job:${id}`);
    const spanS = (performance.now() - t0) / 1000;
    const usageRows = usage.stop();
    if (deleted !== count) throw new Error(`the old loop deleted ${deleted} of ${count} keys`);
    return { count, spanS, jobsPerS: count / spanS, usage: usageRows };
  } finally {
    await redis.flushdb().catch(() => undefined);
    redis.disconnect();
  }
}
