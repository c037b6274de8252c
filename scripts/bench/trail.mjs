/**
 * (e) trail: the deletion paths reaching the permanent trail (the audit service's AUDIT stream).
 *
 * - (a) deletion event → trail record, p99 at a fixed offered rate of `job.deleted` events;
 * - (b) TTL expiry → trail record, p99, in a system whose completed jobs live about a second;
 * - (c) an archived, audited purge of N jobs through the API (plan, confirm, until the plan is
 *   completed and the trail holds every record) against the old system's purge loop (one
 *   awaited `DEL job:{id}` per job) on the same Redis server, in the same run.
 *
 * Goals: (a) p99 ≤ 50 ms at 500 deletions/s; (b) p99 ≤ 1.5 s; (c) Crux jobs/s ≥ 1.0× the old loop's.
 * Also printed, to say where the time goes: each stage from the services' own timestamps,
 * the purge's milestones, and the CPU of each process.
 */
import { auditConsumerName, JobEventType, StreamName } from '@crux/contracts';
import { TEST_KEYS } from '@crux/test-harness';
import { closeNats, connectNats, jetstream, jetstreamManager } from '@crux/messaging';
import { Redis } from 'ioredis';
import { CruxSystem, cruxProcesses, processEnv } from './lib/crux.mjs';
import { jsonClient } from './lib/http-client.mjs';
import { knobsLine, readKnobs } from './lib/knobs.mjs';
import { ratio } from './lib/stats.mjs';
import { cores, ms, num, times } from './lib/table.mjs';
import { deletionRate } from './trail/deletion-rate.mjs';
import { cruxPurge, oldPurgeLoop, seedCompletedJobs } from './trail/purge.mjs';
import { ttlExpiry } from './trail/ttl-expiry.mjs';

/** The purge's size: the goal is stated for 100,000 jobs, so a run of every benchmark purges that many too. */
const PURGE_JOBS = 100_000;
/** Database of the old system's hashes on the shared Redis server (Crux uses 0). */
const OLD_SYSTEM_DB = 1;

const GOAL_RATE_P99_MS = 50;
const GOAL_TTL_P99_MS = 1500;
const GOAL_PURGE_RATIO = 1;

export function knobs() {
  return {
    BENCH_TRAIL_RATE: { default: 500, min: 1, max: 100_000, meaning: '(a) deletion events offered per second' },
    BENCH_TRAIL_RATE_S: { default: 10, min: 1, max: 600, meaning: '(a) seconds of offered deletions' },
    BENCH_TRAIL_TTL_JOBS: { default: 200, min: 1, max: 100_000, meaning: '(b) completed jobs left to expire' },
    BENCH_TRAIL_TTL_RATE: { default: 100, min: 1, max: 10_000, meaning: '(b) jobs completed per second (their events published to JOBS)' },
    BENCH_TRAIL_TTL_S: { default: 1, min: 1, max: 3600, meaning: "(b) the system's CRUX_TTL_COMPLETED_S" },
    BENCH_TRAIL_PURGE_JOBS: { default: PURGE_JOBS, min: 1, max: 1_000_000, meaning: '(c) jobs purged' },
    BENCH_TRAIL_SEED_IN_FLIGHT: {
      default: 256,
      min: 1,
      max: 10_000,
      meaning: '(c) jobs whose events are being published at once while seeding',
    },
    BENCH_TRAIL_DRAIN_S: {
      default: 60,
      min: 5,
      max: 3600,
      meaning: '(a), (b): how long to wait for the last records before counting them unfinished',
    },
    BENCH_TRAIL_PURGE_TIMEOUT_S: { default: 900, min: 10, max: 7200, meaning: '(c) the most seeding, and then the purge, may take' },
  };
}

/** @type {import('./benchmarks.mjs').Benchmark} */
export const trail = {
  name: 'trail',
  aliases: ['deletion', 'purge', 'audit', 'e'],
  summary:
    'deletion → trail record p99 at 500/s; TTL expiry → trail record p99; an archived, audited purge against the old DEL loop on the same Redis',
  services: ['job-state', 'audit', 'gateway'],
  budgetS: 1800,
  async run(ctx) {
    const k = readKnobs(knobs());
    ctx.log(`settings: ${knobsLine(k)}`);
    const drainMs = k.BENCH_TRAIL_DRAIN_S * 1000;
    const bench = { label: 'bench (client)', pids: () => [process.pid] };

    // ---- (b) TTL expiry, in a system of its own: its completed jobs live BENCH_TRAIL_TTL_S.
    ctx.log(`(b) starting job-state and audit with CRUX_TTL_COMPLETED_S=${k.BENCH_TRAIL_TTL_S}`);
    const ttlSystem = await CruxSystem.start({
      services: { 'job-state': 1, audit: 1 },
      env: processEnv({ CRUX_TTL_COMPLETED_S: String(k.BENCH_TRAIL_TTL_S) }),
    });
    ctx.defer(() => ttlSystem.stop());
    const expiry = await (async () => {
      const nc = await connectNats({ url: ttlSystem.nats.url, name: 'bench-trail-ttl' });
      const redis = new Redis(ttlSystem.redis.url, { connectionName: 'bench-trail-ttl' });
      try {
        ctx.log(
          `(b) ${k.BENCH_TRAIL_TTL_JOBS} completed jobs at ${k.BENCH_TRAIL_TTL_RATE}/s, each expiring ${k.BENCH_TRAIL_TTL_S} s after it completed`,
        );
        return await ttlExpiry({
          nc,
          js: jetstream(nc),
          redis,
          count: k.BENCH_TRAIL_TTL_JOBS,
          rate: k.BENCH_TRAIL_TTL_RATE,
          ttlS: k.BENCH_TRAIL_TTL_S,
          drainMs,
          watched: cruxProcesses(ttlSystem, [bench]),
        });
      } finally {
        redis.disconnect();
        await closeNats(nc);
      }
    })();
    ctx.log(`(b) expiry → trail p99 ${ms(expiry.latency.p99)} (${expiry.recorded} of ${expiry.jobs} recorded)`);
    await ttlSystem.stop();

    // ---- (a) and (c), on one system with the default settings.
    ctx.log('(a)/(c) starting job-state, audit and gateway');
    const system = await CruxSystem.start({ services: { 'job-state': 1, audit: 1, gateway: 1 }, env: processEnv({}) });
    ctx.defer(() => system.stop());
    const nc = await connectNats({ url: system.nats.url, name: 'bench-trail' });
    ctx.defer(() => closeNats(nc));
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    const redis = new Redis(system.redis.url, { connectionName: 'bench-trail' });
    ctx.defer(() => redis.disconnect());
    const http = jsonClient({ baseUrl: system.url, maxSockets: 4, timeoutMs: 120_000 });
    ctx.defer(() => http.close());
    const watched = cruxProcesses(system, [bench]);

    ctx.log(`(a) ${k.BENCH_TRAIL_RATE} deletions/s for ${k.BENCH_TRAIL_RATE_S} s`);
    const rate = await deletionRate({
      nc,
      js,
      rate: k.BENCH_TRAIL_RATE,
      durationS: k.BENCH_TRAIL_RATE_S,
      drainMs,
      watched,
      pulls: `$JS.API.CONSUMER.MSG.NEXT.${StreamName.Jobs}.${auditConsumerName(JobEventType.Deleted)}`,
    });
    ctx.log(`(a) deletion → trail p99 ${ms(rate.latency.p99)} (${rate.recorded} of ${rate.sent} recorded)`);

    const n = k.BENCH_TRAIL_PURGE_JOBS;
    const timeoutMs = k.BENCH_TRAIL_PURGE_TIMEOUT_S * 1000;
    ctx.log(`(c) seeding ${num(n)} completed jobs (${num(n * 3)} events, ${k.BENCH_TRAIL_SEED_IN_FLIGHT} jobs in flight)`);
    const seeded = await seedCompletedJobs({ js, jsm, redis, count: n, inFlight: k.BENCH_TRAIL_SEED_IN_FLIGHT, timeoutMs, log: ctx.log });
    ctx.log(`(c) seeded: published in ${seeded.publishS.toFixed(1)} s, projected after ${seeded.projectedS.toFixed(1)} s`);
    // The old loop runs just before and just after the Crux purge, so both see much the same machine.
    const oldLoop = async (/** @type {string} */ when) => {
      const run = await oldPurgeLoop({
        redisUrl: system.redis.url,
        db: OLD_SYSTEM_DB,
        count: n,
        watched: [{ label: 'redis-server', pids: () => (system.redis.process.pid ? [system.redis.process.pid] : []) }, bench],
      });
      ctx.log(`(c) old loop ${when}: ${num(n)} in ${run.spanS.toFixed(1)} s (${num(run.jobsPerS)} jobs/s)`);
      return run;
    };
    const oldBefore = await oldLoop('before the Crux purge');
    const operator = { authorization: `Bearer ${TEST_KEYS.ops.secret}` };
    const purge = await cruxPurge({ http, operator, jsm, redis, expected: n, timeoutMs, watched, log: ctx.log });
    ctx.log(`(c) Crux purged ${num(n)} in ${purge.spanS.toFixed(1)} s (${num(purge.jobsPerS)} jobs/s)`);
    const oldAfter = await oldLoop('after the Crux purge');
    const old = {
      spanS: (oldBefore.spanS + oldAfter.spanS) / 2,
      jobsPerS: (oldBefore.jobsPerS + oldAfter.jobsPerS) / 2,
      usage: mergeUsage(oldBefore.usage, oldAfter.usage),
    };

    // ---- tables
    const pair = (/** @type {import('./lib/stats.mjs').Summary} */ s) => (s.count ? `${ms(s.p50)} / ${ms(s.p99)}` : 'n/a');
    ctx.table({
      title: `trail (a) — deletion event → trail record: ${num(k.BENCH_TRAIL_RATE)} deletions/s offered for ${k.BENCH_TRAIL_RATE_S} s (open loop; latency from when each was due)`,
      columns: ['figure', 'Crux', 'goal'],
      rows: [
        ['deletions offered', num(rate.offered), ''],
        [
          'recorded in the trail',
          `${num(rate.recorded)}${rate.unfinished ? ` (${num(rate.unfinished)} unfinished after ${k.BENCH_TRAIL_DRAIN_S} s)` : ''}`,
          '',
        ],
        ['records/s (first due → last record)', num(rate.recordsPerS), ''],
        ['due → record in AUDIT p50', ms(rate.latency.p50), ''],
        ['due → record in AUDIT p90', ms(rate.latency.p90), ''],
        ['due → record in AUDIT p99', ms(rate.latency.p99), `≤ ${ms(GOAL_RATE_P99_MS)}`],
        ['due → record in AUDIT max', ms(rate.latency.max), ''],
        ['stage: due → stored in JOBS (PubAck) p50 / p99', pair(rate.stages.publish), ''],
        ["stage: stored in JOBS → record sealed (audit's recorded_at) p50 / p99", pair(rate.stages.seal), ''],
        ['stage: sealed → appended to AUDIT and heard here p50 / p99', pair(rate.stages.append), ''],
        ["load generator's worst lateness", ms(rate.lateMs), ''],
        [
          "the audit service's pulls from JOBS: how many, longest interval between two",
          `${num(rate.pulls.count)}, ${ms(rate.pulls.longestGapMs)}`,
          '',
        ],
      ],
      notes: [
        'Each event is a `job.deleted.<id>` (reason ttl, a ~2 KB archived snapshot) made with makeEvent and published with publishEvent; its record is heard on a core subscription to `audit.deleted.*`.',
        'job-state runs too and projects every deletion (a tombstone per job), as in a deployment. recorded_at has millisecond precision.',
        'The audit service pulls up to 1,000 events at a time, each pull lasting at most 2,000 ms: an interval between two pulls longer than that is time it was not asking for events (see BENCHMARKS.md).',
      ],
    });

    ctx.table({
      title: `trail (b) — TTL expiry → trail record: ${num(expiry.jobs)} completed jobs at ${num(k.BENCH_TRAIL_TTL_RATE)}/s, CRUX_TTL_COMPLETED_S=${k.BENCH_TRAIL_TTL_S}, sweep every 250 ms (default)`,
      columns: ['figure', 'Crux', 'goal'],
      rows: [
        ['jobs left to expire', num(expiry.jobs), ''],
        [
          'expiries recorded in the trail',
          `${num(expiry.recorded)}${expiry.unfinished ? ` (${num(expiry.unfinished)} unfinished)` : ''}${expiry.notTtl ? `, ${expiry.notTtl} not reason ttl` : ''}`,
          '',
        ],
        ['deadline (completed_at + TTL) → record p50', ms(expiry.latency.p50), ''],
        ['deadline (completed_at + TTL) → record p90', ms(expiry.latency.p90), ''],
        ['deadline (completed_at + TTL) → record p99', ms(expiry.latency.p99), `≤ ${ms(GOAL_TTL_P99_MS)}`],
        ['deadline (completed_at + TTL) → record max', ms(expiry.latency.max), ''],
        ["job-state's own deadline (expiry index) → record p50 / p99", pair(expiry.fromIndex), ''],
        ['stage: completed_at + TTL → deadline in the index (projection of completed) p50 / p99', pair(expiry.stages.project), ''],
        ['stage: deadline → deleted event made (the sweep) p50 / p99', pair(expiry.stages.sweep), ''],
        ['stage: deleted event made → record sealed (audit) p50 / p99', pair(expiry.stages.seal), ''],
        ['stage: sealed → appended to AUDIT and heard here p50 / p99', pair(expiry.stages.append), ''],
      ],
      notes: [
        "completed_at is the completed event's occurred_at (published here, as a worker would); job-state sets its deadline when it applies that event, so the index's deadline is a little later.",
        "job-state deletes a job itself once its deadline has passed (the sweep, every CRUX_EXPIRY_SWEEP_MS); Redis's own TTL (a grace period later) is only the backstop and is not reached here.",
      ],
    });

    const purgeRatio = ratio(purge.jobsPerS, old.jobsPerS);
    ctx.table({
      title: `trail (c) — purge of ${num(n)} completed jobs: Crux's archived, audited purge against the old DEL loop, same Redis server`,
      columns: ['figure', 'Crux purge (plan → confirm → trail complete)', 'old loop (DEL job:{id} per job)', 'Crux ÷ old'],
      rows: [
        ['jobs deleted', num(purge.plan.deleted), `${num(n)} in each run`, ''],
        ['time (old: mean of its two runs)', ms(purge.spanS * 1000), ms(old.spanS * 1000), times(ratio(purge.spanS, old.spanS))],
        ['jobs/s (old: mean of its two runs)', num(purge.jobsPerS), num(old.jobsPerS), times(purgeRatio)],
        ['old loop jobs/s: run before / after the Crux purge', '', `${num(oldBefore.jobsPerS)} / ${num(oldAfter.jobsPerS)}`, ''],
        [
          'CPU per job, every process (ms)',
          num(cpuPerJob(purge.usage, n), 3),
          num(cpuPerJob(old.usage, 2 * n), 3),
          times(ratio(cpuPerJob(purge.usage, n), cpuPerJob(old.usage, 2 * n))),
        ],
        ['archived (snapshot in a deleted event in JOBS)', num(purge.jobsDeleted), '0', ''],
        ['recorded in the trail (deleted records in AUDIT)', num(purge.trailDeleted), '0', ''],
        ['left in Redis', num(purge.keysLeft), '0', ''],
      ],
      notes: [
        `Crux: POST /api/v1/admin/purges {status: [completed]} as an operator → confirm with the token → until GET /admin/purges/{id} says completed (every key gone) and the AUDIT stream holds all ${num(n)} deleted records. Planning is included.`,
        `Old: the original purge script's loop, one awaited DEL per job (ioredis), on ${num(n)} hashes with the old system's fields and comparable sizes in Redis database ${OLD_SYSTEM_DB}; run once just before and once just after the Crux purge, with the Crux services idle.`,
        `Seeding (not timed): ${num(n)} jobs' created, started and completed events (${num(seeded.events)}) published in ${seeded.publishS.toFixed(1)} s; job-state had projected them (and audit read past them) ${seeded.projectedS.toFixed(1)} s after the first.`,
      ],
    });

    const milestone = (/** @type {string} */ label, /** @type {number | undefined} */ s, withRate = true) => [
      label,
      s === undefined ? 'n/a' : ms(s * 1000),
      s === undefined || !withRate ? '' : `${num(n / s)} jobs/s`,
    ];
    ctx.table({
      title: "trail (c) — where the purge's time goes: milestones after the plan request (sampled every 50 ms)",
      columns: ['milestone', 'after', `${num(n)} ÷ that`],
      rows: [
        milestone('plan frozen (POST /admin/purges answered 201)', purge.at.planned, false),
        milestone('confirmed (202; the purge runs in the background)', purge.at.confirmed, false),
        milestone(`all ${num(n)} deletions archived in JOBS (deleted events stored)`, purge.at.archived),
        milestone(`all ${num(n)} keys gone from Redis (projected)`, purge.at.keysGone),
        milestone(`all ${num(n)} records in the trail (AUDIT)`, purge.at.trailComplete),
        milestone('plan reported completed (GET /admin/purges/{id})', purge.at.planCompleted),
      ],
    });

    const cpuLabels = [...new Set([...rate.usage, ...purge.usage, ...old.usage].map((u) => u.label))];
    /** @param {import('./lib/proc.mjs').UsageRow[]} usage @param {string} label @param {number} per */
    const cpu = (usage, label, per) => {
      const row = usage.find((u) => u.label === label);
      return row ? `${num((row.cpuS / per) * 1000, 3)} ms · ${cores(row.cpuShare)}` : '—';
    };
    const total = (/** @type {import('./lib/proc.mjs').UsageRow[]} */ usage, /** @type {number} */ per) => {
      const cpuS = usage.reduce((a, u) => a + u.cpuS, 0);
      return `${num((cpuS / per) * 1000, 3)} ms · ${cores(cpuS / (usage[0]?.wallS ?? Number.NaN))}`;
    };
    ctx.table({
      title: `trail — CPU of each process: CPU ms per deletion · share of one core (the machine has ${ctx.machine.cores})`,
      columns: ['process', `(a) ${num(k.BENCH_TRAIL_RATE)} deletions/s`, '(c) Crux purge', '(c) old loop'],
      rows: [
        ...cpuLabels.map((label) => [
          label,
          cpu(rate.usage, label, rate.recorded),
          cpu(purge.usage, label, n),
          cpu(old.usage, label, 2 * n),
        ]),
        ['all of the above', total(rate.usage, rate.recorded), total(purge.usage, n), total(old.usage, 2 * n)],
      ],
      notes: [
        '(a): from the first deletion offered until the last record arrived; (c): from the plan request to the end, and the old loop alone (both its runs). The bench row of (c) Crux is its progress sampling.',
      ],
    });

    ctx.goal({
      benchmark: 'trail',
      goal: `(a) deletion → trail record p99 ≤ ${ms(GOAL_RATE_P99_MS)} at ${num(k.BENCH_TRAIL_RATE)}/s`,
      figure: ms(rate.latency.p99),
      met: rate.latency.p99 <= GOAL_RATE_P99_MS,
    });
    ctx.goal({
      benchmark: 'trail',
      goal: `(b) TTL expiry → trail record p99 ≤ ${ms(GOAL_TTL_P99_MS)}`,
      figure: ms(expiry.latency.p99),
      met: expiry.latency.p99 <= GOAL_TTL_P99_MS,
    });
    ctx.goal({
      benchmark: 'trail',
      goal: `(c) archived, audited purge of ${num(n)} jobs: jobs/s ≥ ${GOAL_PURGE_RATIO.toFixed(1)}× the old DEL loop`,
      figure: `${times(purgeRatio)} (${num(purge.jobsPerS)} jobs/s)`,
      baseline: `old DEL loop ${num(old.jobsPerS)} jobs/s`,
      met: purgeRatio >= GOAL_PURGE_RATIO,
    });
  },
};

/**
 * CPU ms per job of every process together.
 * @param {import('./lib/proc.mjs').UsageRow[]} usage
 * @param {number} jobs
 */
function cpuPerJob(usage, jobs) {
  return (usage.reduce((a, u) => a + u.cpuS, 0) / jobs) * 1000;
}

/**
 * Two windows of the same processes as one: CPU and wall time added up.
 * @param {import('./lib/proc.mjs').UsageRow[]} a
 * @param {import('./lib/proc.mjs').UsageRow[]} b
 * @returns {import('./lib/proc.mjs').UsageRow[]}
 */
function mergeUsage(a, b) {
  return a.map((row) => {
    const other = b.find((r) => r.label === row.label);
    if (!other) return row;
    const cpuS = row.cpuS + other.cpuS;
    const wallS = row.wallS + other.wallS;
    return {
      ...row,
      cpuS,
      wallS,
      cpuShare: cpuS / wallS,
      peakRss: Math.max(row.peakRss, other.peakRss),
      peakRssSum: Math.max(row.peakRssSum, other.peakRssSum),
    };
  });
}
