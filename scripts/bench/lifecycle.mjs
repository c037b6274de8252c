/**
 * (b) lifecycle, end to end: completed jobs/s for a burst of N jobs, and add → complete
 * latency at a fixed offered rate, for Crux (HTTP submit → gateway → JetStream → worker
 * pool child → completed event heard on NATS) against BullMQ (Queue.add → Worker →
 * QueueEvents) on the same Redis, in the same run. Simulated provider at 0 ms, n_iters 1.
 * (c) memory: peak RSS of every Crux process while Crux runs (b).
 *
 * Goals: Crux throughput ≥ 1.0× BullMQ's; Crux p99 at the fixed rate ≤ BullMQ's.
 * Also printed, to say where the time goes: each stage's p50/p99 from the systems' own
 * timestamps, CPU of each process per phase, and the largest backlog of each queue.
 */
import { randomUUID } from 'node:crypto';
import { knobsLine, readKnobs } from './lib/knobs.mjs';
import { UsageWindow } from './lib/proc.mjs';
import { ratio } from './lib/stats.mjs';
import { cores, mib, ms, num, times } from './lib/table.mjs';
import { startBullmq } from './lifecycle/bullmq-driver.mjs';
import { startCrux } from './lifecycle/crux-driver.mjs';
import { STAGES, burstPhase, ratePhase, warmUp } from './lifecycle/phases.mjs';

export const KNOBS = {
  BENCH_E2E_CONCURRENCY: { default: 4, min: 1, max: 64, meaning: "Crux's CRUX_WORKER_CONCURRENCY and BullMQ's Worker concurrency" },
  BENCH_E2E_WARMUP_JOBS: { default: 300, min: 0, max: 100_000, meaning: 'unmeasured jobs before the phases' },
  BENCH_E2E_BURST_JOBS: { default: 2000, min: 10, max: 1_000_000, meaning: 'jobs in the throughput burst' },
  BENCH_E2E_IN_FLIGHT: { default: 64, min: 1, max: 1024, meaning: 'submissions in flight at once in the burst (and HTTP sockets)' },
  BENCH_E2E_RATE: { default: 1000, min: 1, max: 100_000, meaning: 'offered jobs/s in the latency phase' },
  BENCH_E2E_RATE_S: { default: 10, min: 1, max: 120, meaning: 'seconds of offered load in the latency phase' },
  BENCH_E2E_LIGHT_RATE: { default: 50, min: 1, max: 100_000, meaning: 'offered jobs/s in the light-load latency phase' },
  BENCH_E2E_LIGHT_S: { default: 5, min: 1, max: 120, meaning: 'seconds of the light-load phase' },
  BENCH_E2E_DRAIN_S: { default: 90, min: 5, max: 600, meaning: 'how long a phase waits for its last jobs before counting them unfinished' },
};

/** The services of a deployment, as `npm start` runs them. */
const CRUX_SERVICES = { 'job-state': 1, audit: 1, worker: 1, gateway: 1 };

/** @type {import('./benchmarks.mjs').Benchmark} */
export const lifecycle = {
  name: 'lifecycle',
  aliases: ['e2e', 'b', 'memory', 'c'],
  summary: 'end to end: completed jobs/s and add→complete p99 at a fixed rate, Crux against BullMQ on the same Redis; peak RSS of each Crux process',
  services: Object.keys(CRUX_SERVICES),
  budgetS: 480,
  async run(ctx) {
    const k = readKnobs(KNOBS);
    ctx.log(`settings: ${knobsLine(k)}`);
    const bench = { label: 'bench (client)', pids: () => [process.pid] };

    // ---- Crux
    ctx.log(`starting Crux (${Object.keys(CRUX_SERVICES).join(', ')}; pool of ${k.BENCH_E2E_CONCURRENCY}, simulated provider at 0 ms)`);
    const crux = await startCrux({ concurrency: k.BENCH_E2E_CONCURRENCY, inFlight: k.BENCH_E2E_IN_FLIGHT, services: CRUX_SERVICES });
    ctx.defer(() => crux.close());
    /** @type {import('./lib/proc.mjs').UsageRow[]} */
    let memoryRows = [];
    /** @type {UsageWindow | undefined} */
    let memory;
    const cruxWatched = [...crux.processes, bench];
    const cruxResults = await runPhases(ctx, crux, cruxWatched, k, {
      // (c): peak RSS over the measured phases; VmHWM is reset here so start-up peaks do not count.
      beforeMeasuring: () => void (memory = new UsageWindow(crux.processes).start()),
      afterMeasuring: () => void (memoryRows = memory?.stop() ?? []),
    });
    // The baseline gets the machine to itself too: only NATS and Redis stay up, idle.
    await crux.stopProcesses();

    // ---- BullMQ, on the same Redis
    ctx.log(`starting BullMQ (Worker concurrency ${k.BENCH_E2E_CONCURRENCY}) on the same Redis`);
    const bull = await startBullmq({ redisUrl: crux.system.redis.url, concurrency: k.BENCH_E2E_CONCURRENCY, queueName: `bench-${randomUUID().slice(0, 8)}` });
    ctx.defer(() => bull.close());
    const redisServer = { label: 'redis-server', pids: () => (crux.system.redis.process.pid ? [crux.system.redis.process.pid] : []) };
    const bullWatched = [...bull.processes, redisServer, bench];
    const bullResults = await runPhases(ctx, bull, bullWatched, k);
    const { light: cruxLight, burst: cruxBurst, rate: cruxRate } = cruxResults;
    const { light: bullLight, burst: bullBurst, rate: bullRate } = bullResults;

    // ---- tables
    const tputRatio = ratio(cruxBurst.throughput, bullBurst.throughput);
    const p99Ratio = ratio(cruxRate.latency.p99, bullRate.latency.p99);
    const unfinishedNote = (/** @type {import('./lifecycle/phases.mjs').PhaseResult} */ r) => (r.unfinished ? ` (${num(r.unfinished)} unfinished after ${k.BENCH_E2E_DRAIN_S} s)` : '');

    ctx.table({
      title: `lifecycle — throughput: a burst of ${num(k.BENCH_E2E_BURST_JOBS)} jobs, ${k.BENCH_E2E_IN_FLIGHT} submissions in flight, concurrency ${k.BENCH_E2E_CONCURRENCY}`,
      columns: ['figure', 'Crux', 'BullMQ', 'Crux ÷ BullMQ'],
      rows: [
        ['completed jobs/s', num(cruxBurst.throughput), num(bullBurst.throughput), times(tputRatio)],
        ['first submit → last completion', ms(cruxBurst.spanS * 1000), ms(bullBurst.spanS * 1000), times(ratio(cruxBurst.spanS, bullBurst.spanS))],
        ['jobs completed', `${num(cruxBurst.completed)}${unfinishedNote(cruxBurst)}`, `${num(bullBurst.completed)}${unfinishedNote(bullBurst)}`, ''],
        ['add → complete p50', ms(cruxBurst.latency.p50), ms(bullBurst.latency.p50), times(ratio(cruxBurst.latency.p50, bullBurst.latency.p50))],
        ['add → complete p99', ms(cruxBurst.latency.p99), ms(bullBurst.latency.p99), times(ratio(cruxBurst.latency.p99, bullBurst.latency.p99))],
      ],
      notes: ['In a burst, add → complete is mostly time spent queued behind earlier jobs; the rate phase is the latency figure.'],
    });

    /** @param {import('./lifecycle/phases.mjs').PhaseResult} c @param {import('./lifecycle/phases.mjs').PhaseResult} q */
    const latencyRows = (c, q) => [
      ['jobs offered', num(c.offered), num(q.offered), ''],
      ['jobs completed', `${num(c.completed)}${unfinishedNote(c)}`, `${num(q.completed)}${unfinishedNote(q)}`, ''],
      ['completed jobs/s (first due → last completion)', num(c.throughput), num(q.throughput), times(ratio(c.throughput, q.throughput))],
      ['add → complete p50', ms(c.latency.p50), ms(q.latency.p50), times(ratio(c.latency.p50, q.latency.p50))],
      ['add → complete p90', ms(c.latency.p90), ms(q.latency.p90), times(ratio(c.latency.p90, q.latency.p90))],
      ['add → complete p99', ms(c.latency.p99), ms(q.latency.p99), times(ratio(c.latency.p99, q.latency.p99))],
      ['add → complete max', ms(c.latency.max), ms(q.latency.max), ''],
      ["load generator's worst lateness", ms(c.lateMs), ms(q.lateMs), ''],
    ];
    const paths = "Crux adds over HTTP (POST /api/v1/solve/basic, the user's path) and hears completion on `job.completed.*`; BullMQ adds with Queue.add and hears completion through QueueEvents.";
    ctx.table({
      title: `lifecycle — latency: ${num(k.BENCH_E2E_RATE)} jobs/s offered for ${k.BENCH_E2E_RATE_S} s (open loop; latency from when each job was due)`,
      columns: ['figure', 'Crux', 'BullMQ', 'Crux ÷ BullMQ'],
      rows: latencyRows(cruxRate, bullRate),
      notes: [paths, 'A system that completes fewer jobs/s than offered builds a queue, and its latency is then mostly that queue.'],
    });
    ctx.table({
      title: `lifecycle — latency at a light load: ${num(k.BENCH_E2E_LIGHT_RATE)} jobs/s offered for ${k.BENCH_E2E_LIGHT_S} s (no queue builds up)`,
      columns: ['figure', 'Crux', 'BullMQ', 'Crux ÷ BullMQ'],
      rows: latencyRows(cruxLight, bullLight),
      notes: ['The pipeline\'s own latency, for reading the fixed-rate figures above; not one of the goals.'],
    });

    const pair = (/** @type {import('./lib/stats.mjs').Summary} */ s) => (s.count ? `${ms(s.p50)} / ${ms(s.p99)}` : 'n/a');
    ctx.table({
      title: "lifecycle — where the time goes: each stage per job, p50 / p99, from the systems' own timestamps",
      columns: ['stage', 'Crux, light', 'BullMQ, light', 'Crux, rate', 'BullMQ, rate', 'Crux, burst', 'BullMQ, burst'],
      rows: STAGES.map((stage) => [
        stage.label,
        ...[cruxLight, bullLight, cruxRate, bullRate, cruxBurst, bullBurst].map((r) => pair(r.stages[stage.key])),
      ]),
      notes: [
        "Crux: event occurred_at (ms precision) of job.created (gateway), job.started and job.completed (worker). BullMQ: the job's timestamp, processedOn and finishedOn (ms).",
        "Crux's created → started includes the worker fetching from JetStream, asking job-state whether the job may run, and handing it to a pool child over IPC.",
      ],
    });

    const cpuLabels = [...new Set([...cruxWatched, ...bullWatched].map((w) => w.label))];
    const cpuOf = (/** @type {import('./lifecycle/phases.mjs').PhaseResult} */ r, /** @type {string} */ label) => {
      const row = r.usage.find((u) => u.label === label);
      return row ? `${num((row.cpuS / r.completed) * 1000, 2)} ms · ${cores(row.cpuShare)}` : '—';
    };
    const totalPerJob = (/** @type {import('./lifecycle/phases.mjs').PhaseResult} */ r) => {
      const cpuS = r.usage.reduce((a, u) => a + u.cpuS, 0);
      return `${num((cpuS / r.completed) * 1000, 2)} ms · ${cores(cpuS / (r.usage[0]?.wallS ?? Number.NaN))}`;
    };
    ctx.table({
      title: `lifecycle — CPU of each process per phase: CPU ms per completed job · share of one core (the machine has ${ctx.machine.cores})`,
      columns: ['process', 'Crux burst', 'Crux rate', 'BullMQ burst', 'BullMQ rate'],
      rows: [
        ...cpuLabels.map((label) => [label, cpuOf(cruxBurst, label), cpuOf(cruxRate, label), cpuOf(bullBurst, label), cpuOf(bullRate, label)]),
        ['all of the above', ...[cruxBurst, cruxRate, bullBurst, bullRate].map(totalPerJob)],
      ],
      notes: [
        'CPU per job does not depend on how busy the machine is; the share of a core does. Each phase is measured until its last job completes or the drain limit.',
      ],
    });

    const backlogNames = (/** @type {import('./lifecycle/phases.mjs').PhaseResult[]} */ rs) => [...new Set(rs.flatMap((r) => Object.keys(r.backlogMax)))];
    ctx.table({
      title: 'lifecycle — largest backlog seen (sampled every 250 ms; messages or jobs not yet processed)',
      columns: ['queue', 'burst', 'rate'],
      rows: [
        ...backlogNames([cruxBurst, cruxRate]).map((name) => [`Crux ${name}`, num(cruxBurst.backlogMax[name] ?? Number.NaN), num(cruxRate.backlogMax[name] ?? Number.NaN)]),
        ...backlogNames([bullBurst, bullRate]).map((name) => [`BullMQ ${name}`, num(bullBurst.backlogMax[name] ?? Number.NaN), num(bullRate.backlogMax[name] ?? Number.NaN)]),
      ],
    });

    ctx.table({
      title: 'memory — peak RSS of each Crux process during the measured lifecycle phases (light, burst, rate)',
      columns: ['process', 'processes', 'peak RSS (largest process)', 'peak RSS (all together)'],
      rows: memoryRows.map((r) => [r.label, r.processes, mib(r.peakRss), mib(r.peakRssSum)]),
      notes: ['Largest process: VmHWM, reset when the phases began (exact); all together: the sum of RSS sampled every 100 ms (the pool\'s children as a group).'],
    });

    ctx.goal({ benchmark: 'lifecycle', goal: 'Crux completed jobs/s ≥ 1.0× BullMQ (burst)', figure: `${times(tputRatio)} (${num(cruxBurst.throughput)} vs ${num(bullBurst.throughput)} jobs/s)`, met: tputRatio >= 1 });
    ctx.goal({
      benchmark: 'lifecycle',
      goal: `Crux add→complete p99 ≤ BullMQ's at ${num(k.BENCH_E2E_RATE)} jobs/s`,
      figure: `${times(p99Ratio)} (${ms(cruxRate.latency.p99)} vs ${ms(bullRate.latency.p99)})`,
      met: cruxRate.latency.p99 <= bullRate.latency.p99,
    });
  },
};

/**
 * Warm-up, then the measured phases, with every queue drained between them.
 * @param {import('./benchmarks.mjs').BenchContext} ctx
 * @param {import('./lifecycle/driver.mjs').Driver} driver
 * @param {import('./lib/proc.mjs').Watched[]} watched
 * @param {{ [name in keyof typeof KNOBS]: number }} k
 * @param {{ beforeMeasuring?: () => void, afterMeasuring?: () => void }} [hooks]
 */
async function runPhases(ctx, driver, watched, k, hooks = {}) {
  const drainMs = k.BENCH_E2E_DRAIN_S * 1000;
  const say = (/** @type {string} */ line) => ctx.log(`${driver.name}: ${line}`);
  if (k.BENCH_E2E_WARMUP_JOBS > 0) {
    say(`warming up with ${k.BENCH_E2E_WARMUP_JOBS} jobs`);
    await warmUp(driver, { count: k.BENCH_E2E_WARMUP_JOBS, inFlight: k.BENCH_E2E_IN_FLIGHT, drainMs });
    await driver.quiesce(drainMs);
  }
  hooks.beforeMeasuring?.();
  say(`${k.BENCH_E2E_LIGHT_RATE} jobs/s for ${k.BENCH_E2E_LIGHT_S} s (light load)`);
  const light = await ratePhase(driver, { rate: k.BENCH_E2E_LIGHT_RATE, durationS: k.BENCH_E2E_LIGHT_S, drainMs, watched, phase: 'light' });
  say(`light load p50 ${ms(light.latency.p50)}, p99 ${ms(light.latency.p99)}`);
  await driver.quiesce(drainMs);
  say(`burst of ${k.BENCH_E2E_BURST_JOBS} jobs`);
  const burstResult = await burstPhase(driver, { count: k.BENCH_E2E_BURST_JOBS, inFlight: k.BENCH_E2E_IN_FLIGHT, drainMs, watched });
  say(`burst ${num(burstResult.throughput)} jobs/s; waiting until every queue is empty`);
  await driver.quiesce(drainMs);
  say(`${k.BENCH_E2E_RATE} jobs/s for ${k.BENCH_E2E_RATE_S} s`);
  const rate = await ratePhase(driver, { rate: k.BENCH_E2E_RATE, durationS: k.BENCH_E2E_RATE_S, drainMs, watched });
  say(`rate phase p99 ${ms(rate.latency.p99)}, ${rate.unfinished} unfinished`);
  hooks.afterMeasuring?.();
  return { light, burst: burstResult, rate };
}
