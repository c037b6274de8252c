/**
 * (a) submit: requests/s and latency of POST /api/v1/solve/basic on the real gateway
 * (job-state running and projecting every job it creates; no worker) against a bare
 * node:http handler that parses the body and awaits one JetStream publish to a JOBS-like
 * stream on the same NATS server. Same load generator (autocannon), connections, duration
 * and body for both; runs alternate between the two, and the median of the runs is reported.
 *
 * Goal: gateway ≥ 0.7× the bare handler's requests/s.
 */
import { fileURLToPath } from 'node:url';
import { closeNats, connectNats, ensureStream, jetstreamManager, jobsStreamConfig } from '@crux/messaging';
import { ManagedProcess, freePort, waitFor } from '@crux/test-harness';
import { ConsumerName } from '@crux/contracts';
import { AUTH_HEADERS, CruxSystem, SOLVE_BODY, SOLVE_PATH, backlog, cruxProcesses, processEnv, waitForProjection } from './lib/crux.mjs';
import { loadHttp } from './lib/http-load.mjs';
import { knobsLine, readKnobs } from './lib/knobs.mjs';
import { UsageWindow } from './lib/proc.mjs';
import { median, ratio } from './lib/stats.mjs';
import { cores, ms, num, times } from './lib/table.mjs';

const GOAL = 0.7;
const BASELINE_STREAM = 'BENCH_SUBMIT';
const BASELINE_PREFIX = 'bench.created';
const LOADGEN = 'bench (autocannon)';

export const KNOBS = {
  BENCH_SUBMIT_CONNECTIONS: { default: 32, min: 1, max: 1000, meaning: 'autocannon connections' },
  BENCH_SUBMIT_DURATION_S: { default: 5, min: 1, max: 120, meaning: 'seconds per measured run' },
  BENCH_SUBMIT_ROUNDS: { default: 5, min: 1, max: 20, meaning: 'measured runs of each target' },
  BENCH_SUBMIT_WARMUP_S: { default: 3, min: 0, max: 60, meaning: 'unmeasured warm-up per target' },
};

/** @typedef {'gateway' | 'bare'} Target */

/** @type {import('./benchmarks.mjs').Benchmark} */
export const submit = {
  name: 'submit',
  aliases: ['a'],
  summary: 'POST /solve/basic throughput and p99: the gateway against a bare node:http + JetStream publish handler',
  services: ['gateway', 'job-state'],
  budgetS: 300,
  async run(ctx) {
    const k = readKnobs(KNOBS);
    ctx.log(`settings: ${knobsLine(k)}`);
    const system = await CruxSystem.start({
      services: { 'job-state': 1, gateway: 1 },
      env: processEnv({ CRUX_PROVIDER: 'simulated', CRUX_SIMULATED_LATENCY_MS: '0' }),
    });
    ctx.defer(() => system.stop());
    const nc = await connectNats({ url: system.nats.url, name: 'bench-submit' });
    ctx.defer(() => closeNats(nc));
    const jsm = await jetstreamManager(nc);

    // The baseline's stream is the JOBS stream's configuration under another name and subjects.
    const jobsLike = {
      ...jobsStreamConfig({ archiveRetentionS: 30 * 86_400, streamReplicas: 1 }),
      name: BASELINE_STREAM,
      subjects: [`${BASELINE_PREFIX}.*`],
    };
    await ensureStream(jsm, jobsLike);
    const barePort = await freePort();
    const bare = new ManagedProcess(
      'bare-submit',
      process.execPath,
      [fileURLToPath(new URL('./baselines/bare-submit-server.mjs', import.meta.url))],
      {
        ...process.env,
        ...processEnv({ NATS_URL: system.nats.url, BENCH_PORT: String(barePort), BENCH_SUBJECT_PREFIX: BASELINE_PREFIX }),
      },
    );
    bare.start();
    ctx.defer(() => bare.stop());
    await waitFor(
      () => {
        if (!bare.running) throw new Error(`the bare submit server exited: ${bare.log()}`);
        return bare.log().includes('bare-submit ready');
      },
      { what: 'the bare submit server', timeoutMs: 20_000 },
    );

    /** @type {Record<Target, string>} */
    const urls = { gateway: `${system.url}${SOLVE_PATH}`, bare: `http://127.0.0.1:${barePort}${SOLVE_PATH}` };
    for (const target of /** @type {Target[]} */ (['gateway', 'bare'])) await expectAccepted(target, urls[target]);

    const load = (/** @type {Target} */ target, /** @type {number} */ durationS) =>
      loadHttp({ url: urls[target], body: SOLVE_BODY, headers: AUTH_HEADERS, connections: k.BENCH_SUBMIT_CONNECTIONS, durationS });

    const watched = cruxProcesses(system, [
      { label: 'bare-submit', pids: () => (bare.pid ? [bare.pid] : []) },
      { label: LOADGEN, pids: () => [process.pid] },
    ]);

    if (k.BENCH_SUBMIT_WARMUP_S > 0) {
      ctx.log(`warming up both for ${k.BENCH_SUBMIT_WARMUP_S} s each`);
      for (const target of /** @type {Target[]} */ (['gateway', 'bare'])) {
        await load(target, k.BENCH_SUBMIT_WARMUP_S);
        await waitForProjection(jsm, 60_000);
      }
    }

    /** @type {Array<{ round: number, target: Target } & import('./lib/http-load.mjs').LoadResult & { backlogAtEnd: number, drainMs: number, usage: import('./lib/proc.mjs').UsageRow[] }>} */
    const runs = [];
    for (let round = 1; round <= k.BENCH_SUBMIT_ROUNDS; round++) {
      // ABBA order: neither target always runs on a warmer or cooler machine.
      const order = /** @type {Target[]} */ (round % 2 ? ['gateway', 'bare'] : ['bare', 'gateway']);
      for (const target of order) {
        const usage = new UsageWindow(watched).start();
        const result = await load(target, k.BENCH_SUBMIT_DURATION_S);
        const rows = usage.stop();
        // job-state projects every accepted job; what is left when the run stops is its lag.
        const t0 = performance.now();
        const backlogAtEnd = (await backlog(jsm, ConsumerName.Projector)) ?? 0;
        const left = await waitForProjection(jsm, 120_000);
        if (left > 0) throw new Error(`job-state still had ${left} events to project 120 s after a run`);
        runs.push({ round, target, ...result, backlogAtEnd, drainMs: performance.now() - t0, usage: rows });
        const lag = target === 'gateway' ? `, projection backlog at end ${backlogAtEnd}` : '';
        ctx.log(`round ${round} ${target.padEnd(7)} ${num(result.rps)} req/s, p99 ${ms(result.p99)}, failed ${result.failed}${lag}`);
      }
    }

    const of = (/** @type {Target} */ target) => runs.filter((r) => r.target === target);
    const figures = (/** @type {Target} */ target) => ({
      rps: median(of(target).map((r) => r.rps)),
      p50: median(of(target).map((r) => r.p50)),
      p99: median(of(target).map((r) => r.p99)),
      all: of(target)
        .map((r) => num(r.rps))
        .join(' / '),
      // Independent of how busy the shared machine is: what one request costs the servers.
      cpuMs: median(of(target).map((r) => (r.usage.filter((u) => u.label !== LOADGEN).reduce((a, u) => a + u.cpuS, 0) / r.ok) * 1000)),
    });
    const gw = figures('gateway');
    const base = figures('bare');
    const rpsRatio = ratio(gw.rps, base.rps);

    ctx.table({
      title: `submit — POST ${SOLVE_PATH}, ${k.BENCH_SUBMIT_CONNECTIONS} connections, ${k.BENCH_SUBMIT_DURATION_S} s × ${k.BENCH_SUBMIT_ROUNDS} runs each (median)`,
      columns: ['figure', 'Crux gateway', 'bare node:http + JetStream', 'gateway ÷ bare'],
      rows: [
        ['requests/s (median)', num(gw.rps), num(base.rps), times(rpsRatio)],
        ['latency p50 (median)', ms(gw.p50), ms(base.p50), times(ratio(gw.p50, base.p50))],
        ['latency p99 (median)', ms(gw.p99), ms(base.p99), times(ratio(gw.p99, base.p99))],
        ['server CPU per request (median)', `${num(gw.cpuMs, 3)} ms`, `${num(base.cpuMs, 3)} ms`, times(ratio(gw.cpuMs, base.cpuMs))],
        ['requests/s of each run', gw.all, base.all, ''],
      ],
      notes: [
        `Both answer 202 after one JetStream PubAck; the gateway also authenticates, validates the DTO, builds the job.created event and counts metrics.`,
        `job-state projects every job the gateway accepts while the gateway runs (its backlog at the end of each run is in the next table); the bare handler's stream has no consumer.`,
        `Server CPU per request: CPU seconds of every process but the load generator (gateway, job-state, NATS, Redis / bare handler, NATS) ÷ requests answered.`,
      ],
    });

    ctx.table({
      title: 'submit — every measured run',
      columns: ['round', 'target', 'requests/s', 'p50', 'p99', 'failed', 'projection backlog at end', 'projection caught up after'],
      rows: runs.map((r) => [
        r.round,
        r.target === 'gateway' ? 'Crux gateway' : 'bare handler',
        num(r.rps),
        ms(r.p50),
        ms(r.p99),
        num(r.failed),
        r.target === 'gateway' ? num(r.backlogAtEnd) : '—',
        r.target === 'gateway' ? ms(r.drainMs) : '—',
      ]),
    });

    const labels = watched.map((w) => w.label);
    /** CPU ms per answered request · share of one core, median of the target's runs. */
    const cpuCell = (/** @type {Target} */ target, /** @type {string} */ label) => {
      const rows = of(target).map((r) => ({ r, u: r.usage.find((u) => u.label === label) }));
      const perRequest = median(rows.map(({ r, u }) => ((u?.cpuS ?? Number.NaN) / r.ok) * 1000));
      const share = median(rows.map(({ u }) => u?.cpuShare ?? Number.NaN));
      return share > 0.005 ? `${num(perRequest, 3)} ms · ${cores(share)}` : '—';
    };
    ctx.table({
      title: `submit — CPU of each process during the measured runs: CPU ms per answered request · share of one core (median of runs; the machine has ${ctx.machine.cores} cores)`,
      columns: ['process', 'during gateway runs', 'during bare runs'],
      rows: labels.map((label) => [label, cpuCell('gateway', label), cpuCell('bare', label)]),
    });

    const failed = runs.filter((r) => r.failed > 0);
    if (failed.length) {
      throw new Error(
        `requests failed in ${failed.length} run(s): ${failed.map((r) => `${r.target} round ${r.round}: ${JSON.stringify(r.statusCodes)}`).join('; ')}`,
      );
    }
    ctx.goal({
      benchmark: 'submit',
      goal: `submit: gateway requests/s ≥ ${GOAL}× bare node:http + one JetStream publish`,
      figure: `${times(rpsRatio)} (${num(gw.rps)} requests/s)`,
      baseline: `bare handler ${num(base.rps)} requests/s`,
      met: rpsRatio >= GOAL,
    });
  },
};

/**
 * One request before any load: the target must answer 202 with a job id, or the load
 * figures would be of error pages.
 * @param {Target} target
 * @param {string} url
 */
async function expectAccepted(target, url) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...AUTH_HEADERS }, body: SOLVE_BODY });
  const body = await res.text();
  if (res.status !== 202 || !JSON.parse(body).job_id)
    throw new Error(`${target} answered ${res.status} ${body} to a valid submit; expected 202 with a job_id`);
}
