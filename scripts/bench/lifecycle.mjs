/**
 * (b) lifecycle, end to end: completed jobs/s for a burst of N jobs, add → complete latency
 * at fixed offered rates, and CPU per completed job, for Crux (HTTP submit → gateway →
 * JetStream → worker pool child → completed event heard on NATS) against BullMQ (Queue.add →
 * Worker → QueueEvents) and Celery, the stack Crux replaces (apply_async → prefork worker →
 * Redis result backend), all on the same Redis, in the same run. Simulated provider at 0 ms,
 * n_iters 1; the baselines run the same trivial work.
 * (c) memory: peak RSS of every Crux process while Crux runs (b).
 *
 * Goals (issue 12): CPU per completed job, all processes, burst ≤ 1.5 ms; completed jobs/s
 * ≥ 0.5× BullMQ's and ≥ 1.0× Celery's (burst); 1,000 jobs/s offered sustained; add →
 * complete p99 at the highest fixed rate Crux and BullMQ both sustain ≤ 2× BullMQ's.
 */
import { randomUUID } from 'node:crypto';
import { CELERY_KNOBS, ensureCelery } from './lib/celery.mjs';
import { knobsLine, readKnobs } from './lib/knobs.mjs';
import { UsageWindow } from './lib/proc.mjs';
import { ratio } from './lib/stats.mjs';
import { ms, num, times } from './lib/table.mjs';
import { startBullmq } from './lifecycle/bullmq-driver.mjs';
import { startCelery } from './lifecycle/celery-driver.mjs';
import { startCrux } from './lifecycle/crux-driver.mjs';
import { burstPhase, ratePhase, warmUp } from './lifecycle/phases.mjs';
import { RATE_LADDER, searchHighestSustained, stepAtOrBelow, sustains } from './lifecycle/rate-search.mjs';
import {
  backlogTable,
  cpuPerJobMs,
  cpuTable,
  latencyTable,
  memoryTable,
  searchTable,
  stagesTable,
  throughputTable,
  workBacklog,
} from './lifecycle/tables.mjs';

export const KNOBS = {
  BENCH_E2E_CONCURRENCY: {
    default: 4,
    min: 1,
    max: 64,
    meaning: "Crux's CRUX_WORKER_CONCURRENCY, BullMQ's Worker concurrency and Celery's prefork pool size",
  },
  BENCH_E2E_WARMUP_JOBS: { default: 300, min: 0, max: 100_000, meaning: 'unmeasured jobs before the phases' },
  BENCH_E2E_BURST_JOBS: { default: 2000, min: 10, max: 1_000_000, meaning: 'jobs in the throughput burst' },
  BENCH_E2E_IN_FLIGHT: { default: 64, min: 1, max: 1024, meaning: 'submissions in flight at once in the burst (and HTTP sockets)' },
  BENCH_E2E_RATE: {
    default: 1000,
    min: 1,
    max: 100_000,
    meaning: 'offered jobs/s in the fixed-rate phase (the sustained-throughput goal)',
  },
  BENCH_E2E_RATE_S: { default: 10, min: 1, max: 120, meaning: 'seconds of offered load in the fixed-rate phase' },
  BENCH_E2E_LIGHT_RATE: { default: 50, min: 1, max: 100_000, meaning: 'offered jobs/s in the light-load latency phase' },
  BENCH_E2E_LIGHT_S: { default: 5, min: 1, max: 120, meaning: 'seconds of the light-load phase' },
  BENCH_E2E_DRAIN_S: { default: 90, min: 5, max: 600, meaning: 'how long a phase waits for its last jobs before counting them unfinished' },
  BENCH_E2E_SEARCH_S: { default: 10, min: 1, max: 120, meaning: 'seconds of each fixed-rate trial of the rate search' },
  BENCH_E2E_SEARCH_TRIALS: { default: 4, min: 0, max: 20, meaning: 'most trials the rate search runs per system (0: no search)' },
  BENCH_E2E_SUSTAIN_PCT: {
    default: 95,
    min: 50,
    max: 100,
    meaning: 'a rate is sustained when every job completes and completed jobs/s ≥ this % of it',
  },
  ...CELERY_KNOBS,
};

/** The services of a deployment, as `npm start` runs them. */
const CRUX_SERVICES = { 'job-state': 1, audit: 1, worker: 1, gateway: 1 };

const GOAL_CPU_MS = 1.5;
const GOAL_VS_BULLMQ = 0.5;
const GOAL_VS_CELERY = 1.0;
const GOAL_P99_VS_BULLMQ = 2;

/** @typedef {import('./lifecycle/tables.mjs').SystemRun} SystemRun */
/** @typedef {import('./lifecycle/tables.mjs').Trial} Trial */
/** @typedef {{ [name in keyof typeof KNOBS]: number }} Knobs */

/** @type {import('./benchmarks.mjs').Benchmark} */
export const lifecycle = {
  name: 'lifecycle',
  aliases: ['e2e', 'b', 'memory', 'c'],
  summary:
    'end to end: completed jobs/s, CPU per job and add→complete p99 at fixed rates, Crux against BullMQ and Celery on the same Redis; peak RSS of each Crux process',
  services: Object.keys(CRUX_SERVICES),
  budgetS: 900,
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
    const cruxPhases = await runPhases(ctx, crux, cruxWatched, k, {
      // (c): peak RSS over the measured phases; VmHWM is reset here so start-up peaks do not count.
      beforeMeasuring: () => void (memory = new UsageWindow(crux.processes).start()),
      afterMeasuring: () => void (memoryRows = memory?.stop() ?? []),
    });
    // The search starts at the ladder step at or below Crux's burst throughput (its capacity, near enough).
    const cruxStart = stepAtOrBelow(cruxPhases.burst.throughput) ?? RATE_LADDER[0];
    const cruxSearch = await searchHighestSustained({
      start: cruxStart,
      trial: trialOf(ctx, crux, cruxWatched, k),
      maxTrials: k.BENCH_E2E_SEARCH_TRIALS,
      known: knownTrials(cruxPhases.rate, k),
    });
    ctx.log(
      `Crux: highest rate sustained ${cruxSearch.highest === null ? 'none found' : `${num(cruxSearch.highest)} jobs/s${cruxSearch.capped ? ' (at least: trials ran out)' : ''}`}`,
    );
    // The baselines get the machine to themselves too: only NATS and Redis stay up, idle.
    await crux.stopProcesses();
    const redisServer = { label: 'redis-server', pids: () => (crux.system.redis.process.pid ? [crux.system.redis.process.pid] : []) };

    // ---- BullMQ, on the same Redis
    ctx.log(`starting BullMQ (Worker concurrency ${k.BENCH_E2E_CONCURRENCY}) on the same Redis`);
    const bull = await startBullmq({
      redisUrl: crux.system.redis.url,
      concurrency: k.BENCH_E2E_CONCURRENCY,
      queueName: `bench-${randomUUID().slice(0, 8)}`,
    });
    ctx.defer(() => bull.close());
    const bullWatched = [...bull.processes, redisServer, bench];
    const bullPhases = await runPhases(ctx, bull, bullWatched, k);
    // BullMQ at the highest rate Crux sustains, and lower only if it cannot.
    const bullSearch =
      cruxSearch.highest === null
        ? { highest: null, capped: false, trials: knownTrials(bullPhases.rate, k) }
        : await searchHighestSustained({
            start: cruxSearch.highest,
            up: false,
            trial: trialOf(ctx, bull, bullWatched, k),
            maxTrials: k.BENCH_E2E_SEARCH_TRIALS,
            known: knownTrials(bullPhases.rate, k),
          });
    const bothRate = bothSustain(cruxSearch.trials, bullSearch.trials);
    await bull.close();

    // ---- Celery, on the same Redis
    /** @type {SystemRun} */
    const celery = { name: 'Celery', phases: null, trials: new Map() };
    if (!k.BENCH_CELERY) celery.missing = 'BENCH_CELERY=0';
    else {
      const available = await ensureCelery(ctx.log);
      if (!available.ok) celery.missing = available.why;
      else {
        celery.about = `${available.versions}${available.installed.length ? `; installed by this run with apt-get: ${available.installed.join(', ')}` : ''}; prefork pool of ${k.BENCH_E2E_CONCURRENCY}, Redis broker and result backend, Celery's defaults otherwise.`;
        try {
          ctx.log(`starting Celery (${available.versions}; prefork pool of ${k.BENCH_E2E_CONCURRENCY}) on the same Redis`);
          const driver = await startCelery({ redisUrl: crux.system.redis.url, concurrency: k.BENCH_E2E_CONCURRENCY });
          ctx.defer(() => driver.close());
          const watched = [...driver.processes, redisServer, bench];
          celery.phases = await runPhases(ctx, driver, watched, k);
          celery.trials = knownTrials(celery.phases.rate, k);
          if (bothRate !== null && !celery.trials.has(bothRate))
            celery.trials.set(bothRate, await trialOf(ctx, driver, watched, k)(bothRate));
          await driver.close();
        } catch (error) {
          // The baseline failing is reported in its rows; Crux's and BullMQ's figures still stand.
          celery.missing = `the run failed: ${error instanceof Error ? error.message : String(error)}`;
          celery.phases = null;
          ctx.log(`Celery: ${celery.missing}`);
        }
      }
    }

    /** @type {SystemRun[]} */
    const systems = [
      { name: 'Crux', phases: cruxPhases, trials: cruxSearch.trials },
      { name: 'BullMQ', phases: bullPhases, trials: bullSearch.trials },
      celery,
    ];
    report(ctx, systems, k, { cruxSearch, bothRate, memoryRows });
  },
};

/**
 * Prints every table and records the goals.
 * @param {import('./benchmarks.mjs').BenchContext} ctx
 * @param {SystemRun[]} systems  Crux, BullMQ, Celery
 * @param {Knobs} k
 * @param {{ cruxSearch: { highest: number | null, capped: boolean }, bothRate: number | null, memoryRows: import('./lib/proc.mjs').UsageRow[] }} found
 */
function report(ctx, systems, k, { cruxSearch, bothRate, memoryRows }) {
  const [crux, bull, celery] = systems;
  const fraction = k.BENCH_E2E_SUSTAIN_PCT / 100;
  const options = { sustainPct: k.BENCH_E2E_SUSTAIN_PCT, drainS: k.BENCH_E2E_DRAIN_S };
  const paths =
    "Crux adds over HTTP (POST /api/v1/solve/basic, the user's path) and hears completion on `job.completed.*`; BullMQ adds with Queue.add and hears completion through QueueEvents; Celery adds with apply_async (its client process) and hears completion on the result backend's PUBLISH of each stored result.";

  ctx.table(
    throughputTable(systems, { burstJobs: k.BENCH_E2E_BURST_JOBS, inFlight: k.BENCH_E2E_IN_FLIGHT, concurrency: k.BENCH_E2E_CONCURRENCY }),
  );
  ctx.table(
    latencyTable(
      `lifecycle — sustained: ${num(k.BENCH_E2E_RATE)} jobs/s offered for ${k.BENCH_E2E_RATE_S} s (open loop; latency from when each job was due)`,
      systems,
      (s) => s.phases?.rate,
      { rate: k.BENCH_E2E_RATE, ...options },
      [paths, 'A system that completes fewer jobs/s than offered builds a queue, and its latency is then mostly that queue.'],
    ),
  );
  const searchNote =
    `Rates come from one ladder (${RATE_LADDER.join(', ')} jobs/s). Crux starts at the step at or below its burst throughput and steps up while it sustains each step, down until it sustains one ` +
    `(at most ${k.BENCH_E2E_SEARCH_TRIALS} trials; a ${k.BENCH_E2E_SEARCH_S} s trial at ${num(k.BENCH_E2E_RATE)} jobs/s counts as the fixed-rate phase above). BullMQ runs at Crux's highest and steps down only if it cannot sustain it; Celery runs at the rate both sustain.`;
  if (bothRate !== null) {
    ctx.table(
      latencyTable(
        `lifecycle — latency at the highest fixed rate Crux and BullMQ both sustain: ${num(bothRate)} jobs/s offered for ${k.BENCH_E2E_SEARCH_S} s`,
        systems,
        (s) => s.trials.get(bothRate)?.result,
        { rate: bothRate, ...options },
        [searchNote],
      ),
    );
  }
  ctx.table(searchTable(systems, { durationS: k.BENCH_E2E_SEARCH_S, sustainPct: k.BENCH_E2E_SUSTAIN_PCT }, [searchNote]));
  ctx.table(
    latencyTable(
      `lifecycle — latency at a light load: ${num(k.BENCH_E2E_LIGHT_RATE)} jobs/s offered for ${k.BENCH_E2E_LIGHT_S} s (no queue builds up)`,
      systems,
      (s) => s.phases?.light,
      { rate: k.BENCH_E2E_LIGHT_RATE, ...options },
      ["The pipeline's own latency, for reading the fixed-rate figures above; not one of the goals."],
    ),
  );
  ctx.table(stagesTable(systems));
  ctx.table(cpuTable(systems, ctx.machine.cores));
  ctx.table(backlogTable(systems));
  ctx.table(memoryTable(memoryRows));

  // ---- goals (issue 12), each with its baselines from this run
  const cruxP = /** @type {NonNullable<SystemRun['phases']>} */ (crux.phases);
  const bullP = /** @type {NonNullable<SystemRun['phases']>} */ (bull.phases);
  const celeryP = celery.phases;
  const notMeasured = `not measured: ${celery.missing ?? 'no figures'}`;
  const cpu = cpuPerJobMs(cruxP.burst);
  ctx.goal({
    benchmark: 'lifecycle',
    goal: `CPU per completed job, all processes, burst ≤ ${GOAL_CPU_MS} ms`,
    figure: `${num(cpu, 2)} ms`,
    baseline: `BullMQ ${num(cpuPerJobMs(bullP.burst), 2)} ms; Celery ${celeryP ? `${num(cpuPerJobMs(celeryP.burst), 2)} ms` : notMeasured}`,
    met: cpu <= GOAL_CPU_MS,
  });
  const vsBull = ratio(cruxP.burst.throughput, bullP.burst.throughput);
  ctx.goal({
    benchmark: 'lifecycle',
    goal: `completed jobs/s vs BullMQ, burst ≥ ${GOAL_VS_BULLMQ}×`,
    figure: `${times(vsBull)} (${num(cruxP.burst.throughput)} jobs/s)`,
    baseline: `BullMQ ${num(bullP.burst.throughput)} jobs/s`,
    met: vsBull >= GOAL_VS_BULLMQ,
  });
  const vsCelery = celeryP ? ratio(cruxP.burst.throughput, celeryP.burst.throughput) : Number.NaN;
  ctx.goal({
    benchmark: 'lifecycle',
    goal: `completed jobs/s vs Celery, burst ≥ ${GOAL_VS_CELERY.toFixed(1)}×`,
    figure: celeryP ? `${times(vsCelery)} (${num(cruxP.burst.throughput)} jobs/s)` : notMeasured,
    baseline: celeryP ? `Celery ${num(celeryP.burst.throughput)} jobs/s` : notMeasured,
    met: celeryP ? vsCelery >= GOAL_VS_CELERY : null,
  });
  const sustainedFigure = (/** @type {import('./lifecycle/phases.mjs').PhaseResult} */ r) =>
    `${num(r.throughput)} jobs/s, p99 ${ms(r.latency.p99)}, backlog ≤ ${num(workBacklog(r))}${r.unfinished ? `, ${num(r.unfinished)} unfinished` : ''}${r.notAccepted ? `, ${num(r.notAccepted)} never accepted` : ''}`;
  ctx.goal({
    benchmark: 'lifecycle',
    goal: `completed jobs/s sustained at a fixed ${num(k.BENCH_E2E_RATE)}/s offered: ${num(k.BENCH_E2E_RATE)} (no queue builds)`,
    figure: sustainedFigure(cruxP.rate),
    baseline: `BullMQ ${num(bullP.rate.throughput)}; Celery ${celeryP ? num(celeryP.rate.throughput) : notMeasured}`,
    met: sustains(cruxP.rate, k.BENCH_E2E_RATE, fraction),
  });
  const cruxAt = bothRate === null ? undefined : crux.trials.get(bothRate)?.result;
  const bullAt = bothRate === null ? undefined : bull.trials.get(bothRate)?.result;
  const celeryAt = bothRate === null ? undefined : celery.trials.get(bothRate)?.result;
  const p99Ratio = cruxAt && bullAt ? ratio(cruxAt.latency.p99, bullAt.latency.p99) : Number.NaN;
  const noRate =
    cruxSearch.highest === null
      ? `not measured: Crux sustained no rate it tried (${[...crux.trials.keys()]
          .sort((a, b) => a - b)
          .map((r) => num(r))
          .join(', ')} jobs/s)`
      : 'not measured: BullMQ did not sustain a rate Crux was tried at';
  ctx.goal({
    benchmark: 'lifecycle',
    goal: `add → complete p99 at the highest fixed rate both sustain ≤ ${GOAL_P99_VS_BULLMQ}× BullMQ's`,
    figure:
      cruxAt && bullAt
        ? `${times(p99Ratio)} (${ms(cruxAt.latency.p99)} at ${num(/** @type {number} */ (bothRate))}/s${cruxSearch.capped ? ', rate a lower bound' : ''})`
        : noRate,
    baseline: bullAt
      ? `BullMQ ${ms(bullAt.latency.p99)}; Celery ${celeryAt ? `${ms(celeryAt.latency.p99)}${sustains(celeryAt, /** @type {number} */ (bothRate), fraction) ? '' : ' (not sustained)'}` : notMeasured}`
      : '',
    met: cruxAt && bullAt ? p99Ratio <= GOAL_P99_VS_BULLMQ : null,
  });
}

/**
 * The highest rate both searches sustained, from their trials.
 * @param {Map<number, Trial>} cruxTrials
 * @param {Map<number, Trial>} bullTrials
 */
function bothSustain(cruxTrials, bullTrials) {
  const both = [...cruxTrials.values()].filter((t) => t.sustained && bullTrials.get(t.rate)?.sustained).map((t) => t.rate);
  return both.length ? Math.max(...both) : null;
}

/**
 * The fixed-rate phase as a trial of the search, when it is one (a ladder step, the same length).
 * @param {import('./lifecycle/phases.mjs').PhaseResult} rate
 * @param {Knobs} k
 * @returns {Map<number, Trial>}
 */
function knownTrials(rate, k) {
  const known = new Map();
  if (RATE_LADDER.includes(k.BENCH_E2E_RATE) && k.BENCH_E2E_RATE_S === k.BENCH_E2E_SEARCH_S) {
    known.set(k.BENCH_E2E_RATE, {
      rate: k.BENCH_E2E_RATE,
      result: rate,
      sustained: sustains(rate, k.BENCH_E2E_RATE, k.BENCH_E2E_SUSTAIN_PCT / 100),
    });
  }
  return known;
}

/**
 * One fixed-rate trial of the search on a driver, after every queue has drained.
 * @param {import('./benchmarks.mjs').BenchContext} ctx
 * @param {import('./lifecycle/driver.mjs').Driver} driver
 * @param {import('./lib/proc.mjs').Watched[]} watched
 * @param {Knobs} k
 * @returns {(rate: number) => Promise<Trial>}
 */
function trialOf(ctx, driver, watched, k) {
  const drainMs = k.BENCH_E2E_DRAIN_S * 1000;
  return async (rate) => {
    await driver.quiesce(drainMs);
    ctx.log(`${driver.name}: rate search, ${num(rate)} jobs/s for ${k.BENCH_E2E_SEARCH_S} s`);
    const result = await ratePhase(driver, { rate, durationS: k.BENCH_E2E_SEARCH_S, drainMs, watched, phase: `rate ${rate}` });
    const sustained = sustains(result, rate, k.BENCH_E2E_SUSTAIN_PCT / 100);
    ctx.log(
      `${driver.name}: ${num(rate)} jobs/s ${sustained ? 'sustained' : 'NOT sustained'} (${num(result.throughput)} completed jobs/s, p99 ${ms(result.latency.p99)})`,
    );
    return { rate, result, sustained };
  };
}

/**
 * Warm-up, then the measured phases, with every queue drained between them.
 * @param {import('./benchmarks.mjs').BenchContext} ctx
 * @param {import('./lifecycle/driver.mjs').Driver} driver
 * @param {import('./lib/proc.mjs').Watched[]} watched
 * @param {Knobs} k
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
  say(
    `rate phase ${num(rate.throughput)} completed jobs/s, p99 ${ms(rate.latency.p99)}, ${rate.unfinished} unfinished, ${rate.notAccepted} never accepted`,
  );
  hooks.afterMeasuring?.();
  return { light, burst: burstResult, rate };
}
