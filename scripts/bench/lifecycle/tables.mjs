/**
 * The lifecycle benchmark's tables, for any number of systems side by side (Crux first,
 * then its baselines). A system that could not be measured shows "—" and a note saying why.
 */
import { ratio } from '../lib/stats.mjs';
import { cores, mib, ms, num, times } from '../lib/table.mjs';
import { STAGES } from './phases.mjs';
import { sustains } from './rate-search.mjs';

/** @typedef {import('./phases.mjs').PhaseResult} PhaseResult */

/**
 * One system's run, or why there is none.
 * @typedef {object} SystemRun
 * @property {string} name
 * @property {{ light: PhaseResult, burst: PhaseResult, rate: PhaseResult } | null} phases
 * @property {Map<number, Trial>} trials  fixed-rate trials by offered jobs/s (the rate search)
 * @property {string} [missing]  why it was not measured
 * @property {string} [about]    a line for the notes (versions, how it was installed)
 */

/**
 * @typedef {object} Trial
 * @property {number} rate
 * @property {PhaseResult} result
 * @property {boolean} sustained
 */

const NONE = '—';

/** CPU of every process per completed job, ms. @param {PhaseResult} r */
export function cpuPerJobMs(r) {
  return (r.usage.reduce((a, u) => a + u.cpuS, 0) / r.completed) * 1000;
}

/** @param {PhaseResult} r */
function allCpu(r) {
  const cpuS = r.usage.reduce((a, u) => a + u.cpuS, 0);
  return `${num((cpuS / r.completed) * 1000, 2)} ms · ${cores(cpuS / (r.usage[0]?.wallS ?? Number.NaN))}`;
}

/** The largest backlog of a system's work queue in a phase (the first queue its driver names). @param {PhaseResult} r */
export function workBacklog(r) {
  const first = Object.keys(r.backlogMax)[0];
  return first === undefined ? Number.NaN : r.backlogMax[first];
}

/**
 * Columns: one per system, then Crux ÷ each baseline.
 * @param {SystemRun[]} systems
 */
function header(systems) {
  const [crux, ...baselines] = systems;
  return ['figure', ...systems.map((s) => s.name), ...baselines.map((b) => `${crux.name} ÷ ${b.name}`)];
}

/**
 * A row: each system's value formatted, then Crux's ratio to each baseline (when `compare`).
 * @param {string} label
 * @param {SystemRun[]} systems
 * @param {(s: SystemRun) => PhaseResult | undefined} pick
 * @param {(r: PhaseResult) => number} value
 * @param {(v: number, r: PhaseResult) => string} format
 * @param {boolean} [compare]
 */
function row(label, systems, pick, value, format, compare = true) {
  const values = systems.map((s) => {
    const r = pick(s);
    return r ? { r, v: value(r) } : undefined;
  });
  const [crux, ...rest] = values;
  return [
    label,
    ...values.map((x) => (x ? format(x.v, x.r) : NONE)),
    ...rest.map((x) => (compare && crux && x ? times(ratio(crux.v, x.v)) : '')),
  ];
}

/**
 * What a phase did not complete: accepted jobs unfinished, and submissions never answered.
 * @param {PhaseResult} r @param {string} after
 */
function missed(r, after) {
  const parts = [
    ...(r.unfinished ? [`${num(r.unfinished)} unfinished${after}`] : []),
    ...(r.notAccepted ? [`${num(r.notAccepted)} never accepted`] : []),
  ];
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** @param {SystemRun[]} systems */
function missingNotes(systems) {
  return systems.flatMap((s) => [
    ...(s.missing ? [`${s.name}: not measured: ${s.missing}`] : []),
    ...(s.about ? [`${s.name}: ${s.about}`] : []),
  ]);
}

/**
 * @param {SystemRun[]} systems
 * @param {{ burstJobs: number, inFlight: number, concurrency: number }} k
 * @returns {import('../lib/table.mjs').Table}
 */
export function throughputTable(systems, { burstJobs, inFlight, concurrency }) {
  const burst = (/** @type {SystemRun} */ s) => s.phases?.burst;
  const unfinished = (/** @type {PhaseResult} */ r) => missed(r, '');
  return {
    title: `lifecycle — throughput: a burst of ${num(burstJobs)} jobs, ${inFlight} submissions in flight, concurrency ${concurrency}`,
    columns: header(systems),
    rows: [
      row(
        'completed jobs/s',
        systems,
        burst,
        (r) => r.throughput,
        (v) => num(v),
      ),
      row('CPU per completed job, all processes', systems, burst, cpuPerJobMs, (v) => `${num(v, 2)} ms`),
      row(
        'first submit → last completion',
        systems,
        burst,
        (r) => r.spanS * 1000,
        (v) => ms(v),
      ),
      row(
        'jobs completed',
        systems,
        burst,
        (r) => r.completed,
        (v, r) => `${num(v)}${unfinished(r)}`,
        false,
      ),
      row(
        'add → complete p50',
        systems,
        burst,
        (r) => r.latency.p50,
        (v) => ms(v),
      ),
      row(
        'add → complete p99',
        systems,
        burst,
        (r) => r.latency.p99,
        (v) => ms(v),
      ),
    ],
    notes: [
      'In a burst, add → complete is mostly time spent queued behind earlier jobs; the fixed-rate phases are the latency figures.',
      'CPU per completed job: CPU seconds of every process of the system — services or worker and pool, the broker (NATS and Redis for Crux, Redis for the baselines), the client, and this benchmark process — ÷ jobs completed (per process: the CPU table below).',
      ...missingNotes(systems),
    ],
  };
}

/**
 * @param {string} title
 * @param {SystemRun[]} systems
 * @param {(s: SystemRun) => PhaseResult | undefined} pick
 * @param {{ rate: number, sustainPct: number, drainS: number }} options
 * @param {string[]} notes
 * @returns {import('../lib/table.mjs').Table}
 */
export function latencyTable(title, systems, pick, { rate, sustainPct, drainS }, notes) {
  const unfinished = (/** @type {PhaseResult} */ r) => missed(r, ` after ${drainS} s`);
  const sustainedCell = (/** @type {PhaseResult} */ r) => (sustains(r, rate, sustainPct / 100) ? 1 : 0);
  return {
    title,
    columns: header(systems),
    rows: [
      row(
        'jobs offered',
        systems,
        pick,
        (r) => r.offered,
        (v) => num(v),
        false,
      ),
      row(
        'jobs completed',
        systems,
        pick,
        (r) => r.completed,
        (v, r) => `${num(v)}${unfinished(r)}`,
        false,
      ),
      row(
        'completed jobs/s (first due → last completion)',
        systems,
        pick,
        (r) => r.throughput,
        (v) => num(v),
      ),
      row(
        `sustained (every job completed, ≥ ${sustainPct}% of the offered rate)`,
        systems,
        pick,
        sustainedCell,
        (v) => (v ? 'yes' : 'NO'),
        false,
      ),
      row('largest work-queue backlog (sampled every 250 ms)', systems, pick, workBacklog, (v) => num(v), false),
      row(
        'add → complete p50',
        systems,
        pick,
        (r) => r.latency.p50,
        (v) => ms(v),
      ),
      row(
        'add → complete p90',
        systems,
        pick,
        (r) => r.latency.p90,
        (v) => ms(v),
      ),
      row(
        'add → complete p99',
        systems,
        pick,
        (r) => r.latency.p99,
        (v) => ms(v),
      ),
      row(
        'add → complete max',
        systems,
        pick,
        (r) => r.latency.max,
        (v) => ms(v),
        false,
      ),
      row(
        "load generator's worst lateness",
        systems,
        pick,
        (r) => r.lateMs,
        (v) => ms(v),
        false,
      ),
    ],
    notes: [...notes, ...missingNotes(systems)],
  };
}

/**
 * Every fixed-rate trial of the rate search, in the order of the systems and rates.
 * @param {SystemRun[]} systems
 * @param {{ durationS: number, sustainPct: number }} options
 * @param {string[]} notes
 * @returns {import('../lib/table.mjs').Table}
 */
export function searchTable(systems, { durationS, sustainPct }, notes) {
  const rows = systems.flatMap((s) =>
    [...s.trials.values()]
      .sort((a, b) => a.rate - b.rate)
      .map((t) => [
        s.name,
        num(t.rate),
        num(t.result.throughput),
        t.sustained ? 'yes' : 'NO',
        ms(t.result.latency.p99),
        num(workBacklog(t.result)),
      ]),
  );
  return {
    title: `lifecycle — the rate search: fixed-rate trials of ${durationS} s (sustained: every job completed and completed jobs/s ≥ ${sustainPct}% of the offered rate)`,
    columns: ['system', 'offered jobs/s', 'completed jobs/s', 'sustained', 'add → complete p99', 'largest work-queue backlog'],
    rows,
    notes,
  };
}

/**
 * @param {SystemRun[]} systems
 * @returns {import('../lib/table.mjs').Table}
 */
export function stagesTable(systems) {
  const measured = systems.filter((s) => s.phases);
  /** @type {Array<[SystemRun, 'light' | 'rate' | 'burst']>} */
  const columns = [];
  for (const phase of /** @type {const} */ (['light', 'rate', 'burst'])) for (const s of measured) columns.push([s, phase]);
  const pair = (/** @type {import('../lib/stats.mjs').Summary} */ s) => (s.count ? `${ms(s.p50)} / ${ms(s.p99)}` : 'n/a');
  return {
    title: "lifecycle — where the time goes: each stage per job, p50 / p99, from the systems' own timestamps",
    columns: ['stage', ...columns.map(([s, phase]) => `${s.name}, ${phase}`)],
    rows: STAGES.map((stage) => [
      stage.label,
      ...columns.map(([s, phase]) => pair(/** @type {NonNullable<SystemRun['phases']>} */ (s.phases)[phase].stages[stage.key])),
    ]),
    notes: [
      "Crux: event occurred_at (ms precision) of job.created (gateway), job.started and job.completed (worker). BullMQ: the job's timestamp, processedOn and finishedOn (ms). Celery: the client's clock just before apply_async, the task body's first clock reading (returned in its result), and the backend's date_done (µs).",
      "Crux's created → started includes the worker taking the job from JetStream and handing it to a pool child over IPC. Celery's submit → accepted includes the pipe to its client process and back.",
    ],
  };
}

/**
 * @param {SystemRun[]} systems
 * @param {number} machineCores
 * @returns {import('../lib/table.mjs').Table}
 */
export function cpuTable(systems, machineCores) {
  const measured = systems.filter((s) => s.phases);
  /** @type {Array<[SystemRun, PhaseResult]>} */
  const columns = measured.flatMap((s) => {
    const p = /** @type {NonNullable<SystemRun['phases']>} */ (s.phases);
    return /** @type {Array<[SystemRun, PhaseResult]>} */ ([
      [s, p.burst],
      [s, p.rate],
    ]);
  });
  const labels = [...new Set(columns.flatMap(([, r]) => r.usage.map((u) => u.label)))];
  const cpuOf = (/** @type {PhaseResult} */ r, /** @type {string} */ label) => {
    const u = r.usage.find((x) => x.label === label);
    return u ? `${num((u.cpuS / r.completed) * 1000, 2)} ms · ${cores(u.cpuShare)}` : NONE;
  };
  return {
    title: `lifecycle — CPU of each process per phase: CPU ms per completed job · share of one core (the machine has ${machineCores})`,
    columns: ['process', ...columns.map(([s, r]) => `${s.name} ${r.phase}`)],
    rows: [
      ...labels.map((label) => [label, ...columns.map(([, r]) => cpuOf(r, label))]),
      ['all of the above', ...columns.map(([, r]) => allCpu(r))],
    ],
    notes: [
      'CPU per job depends much less on how busy the machine is than jobs/s; the share of a core does. Each phase is measured until its last job completes or the drain limit.',
    ],
  };
}

/**
 * @param {SystemRun[]} systems
 * @returns {import('../lib/table.mjs').Table}
 */
export function backlogTable(systems) {
  const rows = systems.flatMap((s) => {
    if (!s.phases) return [];
    const { burst, rate } = s.phases;
    const names = [...new Set([...Object.keys(burst.backlogMax), ...Object.keys(rate.backlogMax)])];
    return names.map((name) => [`${s.name} ${name}`, num(burst.backlogMax[name] ?? Number.NaN), num(rate.backlogMax[name] ?? Number.NaN)]);
  });
  return {
    title: 'lifecycle — largest backlog seen (sampled every 250 ms; messages or jobs not yet processed)',
    columns: ['queue', 'burst', 'rate'],
    rows,
  };
}

/**
 * @param {import('../lib/proc.mjs').UsageRow[]} memoryRows
 * @returns {import('../lib/table.mjs').Table}
 */
export function memoryTable(memoryRows) {
  return {
    title: 'memory — peak RSS of each Crux process during the measured lifecycle phases (light, burst, rate)',
    columns: ['process', 'processes', 'peak RSS (largest process)', 'peak RSS (all together)'],
    rows: memoryRows.map((r) => [r.label, r.processes, mib(r.peakRss), mib(r.peakRssSum)]),
    notes: [
      "Largest process: VmHWM, reset when the phases began (exact); all together: the sum of RSS sampled every 100 ms (the pool's children as a group).",
    ],
  };
}
