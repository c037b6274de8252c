/**
 * (d) cancel: from a cancel accepted (the 202 of DELETE /api/v1/jobs/{id}) to the job's child
 * process gone, for a child that exits on SIGTERM (cooperative) and for one that ignores it
 * (stubborn: the worker's test knob CRUX_TEST_CHILD_IGNORES_SIGTERM=1, so every revoke
 * waits out CRUX_REVOKE_GRACE_MS and ends in SIGKILL). "Gone" is seen from outside, by this
 * process polling kill(pid, 0) every millisecond; the worker's own took_ms (SIGTERM → child
 * reaped) from job.revoked is shown beside it.
 *
 * The baseline is the original system's cancel, Celery's revoke(terminate=True,
 * signal='SIGKILL'), on a prefork pool of the same size (cancel/celery-revoke.mjs).
 *
 * Goals: cooperative p99 ≤ 50 ms; stubborn p99 ≤ grace + 50 ms; cooperative p99 lower than
 * Celery's revoke → child gone p99 (issue 12).
 * Also printed, to say where the time goes: each stage of a cancel from the services' own
 * event timestamps, and the CPU of each process per cancel.
 */
import { JobEventType } from '@crux/contracts';
import { closeNats, connectNats } from '@crux/messaging';
import { epochNow } from './lib/clock.mjs';
import { AUTH_HEADERS, CruxSystem, SOLVE_PATH, processEnv } from './lib/crux.mjs';
import { EventTap } from './lib/event-tap.mjs';
import { jsonClient } from './lib/http-client.mjs';
import { knobsLine, readKnobs } from './lib/knobs.mjs';
import { PidWatch } from './lib/pid-watch.mjs';
import { UsageWindow, childrenOf } from './lib/proc.mjs';
import { summarize } from './lib/stats.mjs';
import { cores, ms, num, times } from './lib/table.mjs';
import { CELERY_KNOBS, ensureCelery } from './lib/celery.mjs';
import { ratio } from './lib/stats.mjs';
import { inBatches, withTimeout } from './cancel/batches.mjs';
import { celeryRevokes } from './cancel/celery-revoke.mjs';

export const KNOBS = {
  BENCH_CANCEL_COUNT: { default: 200, min: 1, max: 100_000, meaning: 'measured cancels of each kind of child' },
  BENCH_CANCEL_PARALLEL: { default: 4, min: 1, max: 64, meaning: 'cancels in flight at once (a batch); at most the pool size' },
  BENCH_CANCEL_CONCURRENCY: { default: 4, min: 1, max: 64, meaning: "the worker's CRUX_WORKER_CONCURRENCY (children in its pool)" },
  BENCH_CANCEL_GRACE_MS: {
    default: 200,
    min: 0,
    max: 60_000,
    meaning: 'CRUX_REVOKE_GRACE_MS of the stubborn case (the cooperative case keeps the default)',
  },
  BENCH_CANCEL_LATENCY_MS: {
    default: 200,
    min: 0,
    max: 10_000,
    meaning: 'CRUX_SIMULATED_LATENCY_MS: each simulated model call of the cancelled jobs',
  },
  BENCH_CANCEL_N_ITERS: {
    default: 50,
    min: 1,
    max: 50,
    meaning: 'n_iters of each cancelled job (it must still be running when cancelled)',
  },
  BENCH_CANCEL_POLL_MS: { default: 1, min: 1, max: 100, meaning: 'how often this process looks whether a cancelled child is gone' },
  BENCH_CANCEL_WARMUP: { default: 8, min: 0, max: 1000, meaning: 'unmeasured cancels before each kind' },
  ...CELERY_KNOBS,
};

const STEP_TIMEOUT_MS = 30_000;
const COOPERATIVE_GOAL_MS = 50;
const STUBBORN_MARGIN_MS = 50;

/**
 * One cancel, every time in epoch ms of this machine's clock.
 * @typedef {object} CancelSample
 * @property {string} jobId
 * @property {number} pid          the child running the job (job.started data.pid)
 * @property {number} sentAt       DELETE sent
 * @property {number} acceptedAt   its 202 received
 * @property {number} goneAt       this process first saw the pid gone
 * @property {number} cancelAt     the cancel event's occurred_at (made by the gateway)
 * @property {number} revokedAt    job.revoked's occurred_at (made by the worker once the child was gone)
 * @property {number} tookMs       job.revoked data.took_ms: SIGTERM → child reaped, the worker's clock
 * @property {string} outcome      terminated | killed | …
 * @property {string | null} signal
 */

/** @type {import('./benchmarks.mjs').Benchmark} */
export const cancel = {
  name: 'cancel',
  aliases: ['revoke', 'd'],
  summary:
    'cancel accepted (202) → child process gone, p50/p99, for a child that exits on SIGTERM and one that ignores it (SIGKILL after the grace)',
  services: ['gateway', 'job-state', 'worker', 'audit'],
  budgetS: 600,
  async run(ctx) {
    const k = readKnobs(KNOBS);
    ctx.log(`settings: ${knobsLine(k)}`);
    const parallel = Math.min(k.BENCH_CANCEL_PARALLEL, k.BENCH_CANCEL_CONCURRENCY);
    const baseEnv = {
      CRUX_PROVIDER: 'simulated',
      CRUX_SIMULATED_LATENCY_MS: String(k.BENCH_CANCEL_LATENCY_MS),
      CRUX_WORKER_CONCURRENCY: String(k.BENCH_CANCEL_CONCURRENCY),
    };
    // The worker is started per case, with that case's settings, on the same system.
    const system = await CruxSystem.start({ services: { 'job-state': 1, audit: 1, gateway: 1 }, env: processEnv(baseEnv) });
    ctx.defer(() => system.stop());
    const nc = await connectNats({ url: system.nats.url, name: 'bench-cancel' });
    ctx.defer(() => closeNats(nc));
    const tap = new EventTap(nc, [
      JobEventType.Started,
      JobEventType.Cancel,
      JobEventType.Revoked,
      JobEventType.Completed,
      JobEventType.Failed,
    ]);
    ctx.defer(() => tap.close());
    await nc.flush();
    const http = jsonClient({ baseUrl: system.url, headers: AUTH_HEADERS, maxSockets: parallel * 2 });
    ctx.defer(() => http.close());
    const body = JSON.stringify({ question: 'Prove that there are infinitely many primes.', n_iters: k.BENCH_CANCEL_N_ITERS });
    const watch = new PidWatch(k.BENCH_CANCEL_POLL_MS);
    ctx.defer(() => watch.stop());

    /** @type {Array<{ key: string, label: string, graceMs: number, env: Record<string, string> }>} */
    const cases = [
      { key: 'cooperative', label: 'cooperative child (exits on SIGTERM)', graceMs: 2000, env: {} },
      {
        key: 'stubborn',
        label: `stubborn child (ignores SIGTERM; grace ${k.BENCH_CANCEL_GRACE_MS} ms)`,
        graceMs: k.BENCH_CANCEL_GRACE_MS,
        env: { CRUX_TEST_CHILD_IGNORES_SIGTERM: '1', CRUX_REVOKE_GRACE_MS: String(k.BENCH_CANCEL_GRACE_MS) },
      },
    ];

    /** @type {Array<{ key: string, label: string, graceMs: number, samples: CancelSample[], usage: import('./lib/proc.mjs').UsageRow[], worstGapMs: number }>} */
    const results = [];
    for (const [i, c] of cases.entries()) {
      const worker = await system.startService('worker', i + 1, processEnv({ ...baseEnv, ...c.env }));
      ctx.log(`${c.key}: worker ${worker.label} up (pool of ${k.BENCH_CANCEL_CONCURRENCY}, revoke grace ${c.graceMs} ms)`);
      if (c.key === 'stubborn' && !worker.log().includes('TEST KNOB')) {
        throw new Error(
          `the worker did not report the test knob CRUX_TEST_CHILD_IGNORES_SIGTERM: its build may predate it\n${worker.log()}`,
        );
      }
      const one = () => cancelOne({ http, tap, watch, body, jobPath: (id) => `/api/v1/jobs/${id}` });
      if (k.BENCH_CANCEL_WARMUP > 0) {
        ctx.log(`${c.key}: ${k.BENCH_CANCEL_WARMUP} warm-up cancels`);
        await inBatches(k.BENCH_CANCEL_WARMUP, parallel, one);
      }
      const watched = [
        { label: 'gateway-1', pids: () => pidOf(system, 'gateway-1') },
        { label: 'job-state-1', pids: () => pidOf(system, 'job-state-1') },
        { label: 'audit-1', pids: () => pidOf(system, 'audit-1') },
        { label: worker.label, pids: () => (worker.pid ? [worker.pid] : []) },
        { label: `${worker.label} pool children`, pids: () => (worker.pid ? childrenOf(worker.pid) : []) },
        { label: 'nats-server', pids: () => (system.nats.process.pid ? [system.nats.process.pid] : []) },
        { label: 'redis-server', pids: () => (system.redis.process.pid ? [system.redis.process.pid] : []) },
        { label: 'bench (client, pid polling)', pids: () => [process.pid] },
      ];
      ctx.log(`${c.key}: ${k.BENCH_CANCEL_COUNT} cancels, ${parallel} at a time`);
      watch.worstGapMs = 0;
      const usage = new UsageWindow(watched, { resetPeak: false }).start();
      const samples = await inBatches(k.BENCH_CANCEL_COUNT, parallel, one);
      const usageRows = usage.stop();
      const s = summarize(samples.map((x) => x.goneAt - x.acceptedAt));
      ctx.log(`${c.key}: 202 → gone p50 ${ms(s.p50)}, p99 ${ms(s.p99)}; worst pid-poll gap ${ms(watch.worstGapMs)}`);
      results.push({ ...c, samples, usage: usageRows, worstGapMs: watch.worstGapMs });
      await worker.stop();
    }

    // ---- Celery's revoke, with the machine to itself: only NATS and Redis stay up, idle.
    await Promise.all([...system.processes.values()].map((p) => p.stop()));
    const celery = await runCelery(ctx, k, { system, watch, parallel });

    // ---- tables
    const stats = results.map((r) => ({
      r,
      accepted: summarize(r.samples.map((x) => x.goneAt - x.acceptedAt)),
      sent: summarize(r.samples.map((x) => x.goneAt - x.sentAt)),
      answer: summarize(r.samples.map((x) => x.acceptedAt - x.sentAt)),
      took: summarize(r.samples.map((x) => x.tookMs)),
    }));
    const goalOf = (/** @type {typeof results[number]} */ r) =>
      r.key === 'cooperative' ? COOPERATIVE_GOAL_MS : r.graceMs + STUBBORN_MARGIN_MS;
    const pair = (/** @type {import('./lib/stats.mjs').Summary} */ s) => `${ms(s.p50)} / ${ms(s.p99)}`;
    const cs = celery.result
      ? {
          accepted: summarize(celery.result.samples.map((x) => x.goneAt - x.returnedAt)),
          sent: summarize(celery.result.samples.map((x) => x.goneAt - x.calledAt)),
          answer: summarize(celery.result.samples.map((x) => x.returnedAt - x.calledAt)),
        }
      : undefined;
    const celeryCell = (/** @type {(c: NonNullable<typeof cs>, r: NonNullable<typeof celery.result>) => string} */ f) =>
      cs && celery.result ? f(cs, celery.result) : '—';
    const cooperative = stats.find((s) => s.r.key === 'cooperative');
    ctx.table({
      title: `cancel — accepted → child process gone, ${num(k.BENCH_CANCEL_COUNT)} cancels of each kind, ${parallel} at a time (pool of ${k.BENCH_CANCEL_CONCURRENCY}); Celery's revoke beside them`,
      columns: ['figure', ...results.map((r) => r.label), "Celery: revoke(terminate=True, signal='SIGKILL')"],
      rows: [
        ['accepted → gone p50', ...stats.map((s) => ms(s.accepted.p50)), celeryCell((c) => ms(c.accepted.p50))],
        ['accepted → gone p99', ...stats.map((s) => ms(s.accepted.p99)), celeryCell((c) => ms(c.accepted.p99))],
        ['accepted → gone max', ...stats.map((s) => ms(s.accepted.max)), celeryCell((c) => ms(c.accepted.max))],
        ["p99 ÷ Celery's", ...stats.map((s) => (cs ? times(ratio(s.accepted.p99, cs.accepted.p99)) : '—')), ''],
        ['goal for the p99', ...results.map((r) => `≤ ${ms(goalOf(r))}`), ''],
        [
          'gone before accepted',
          ...results.map((r) => `${num(r.samples.filter((x) => x.goneAt <= x.acceptedAt).length)} of ${num(r.samples.length)}`),
          celeryCell((_c, r) => `${num(r.samples.filter((x) => x.goneAt <= x.returnedAt).length)} of ${num(r.samples.length)}`),
        ],
        ['asked → gone p50 / p99', ...stats.map((s) => pair(s.sent)), celeryCell((c) => pair(c.sent))],
        ['asked → accepted p50 / p99', ...stats.map((s) => pair(s.answer)), celeryCell((c) => pair(c.answer))],
        ["worker's took_ms (SIGTERM → child reaped) p50 / p99", ...stats.map((s) => pair(s.took)), '—'],
        [
          'outcomes (job.revoked / the REVOKED state)',
          ...results.map((r) => outcomes(r.samples)),
          celeryCell((_c, r) => `${num(r.samples.length)} REVOKED`),
        ],
        [
          "this process's worst gap between two looks at the pids",
          ...results.map((r) => ms(r.worstGapMs)),
          celeryCell((_c, r) => ms(r.worstGapMs)),
        ],
      ],
      notes: [
        "Crux: asked = DELETE /api/v1/jobs/{id} sent, accepted = its 202 received. Celery: asked = revoke() called, accepted = revoke() returned (the broadcast is published; it waits for no reply), both in the Celery client's process, as the original API called it.",
        'Gone: kill(pid, 0) fails (ESRCH) in this process, which looks every ' +
          `${k.BENCH_CANCEL_POLL_MS} ms; the child is then exited and reaped by its parent (the Crux worker, Celery's main process). A negative figure: the child was already gone when the cancel was accepted.`,
        'The gateway answers 202 once job-state shows the job cancelled (it polls job-state 20, 40, 80 … ms after publishing the cancel), while the worker hears the cancel event directly and signals the child at once: the kill and the answer race.',
        `Each job runs the simulated provider at ${k.BENCH_CANCEL_LATENCY_MS} ms per call with n_iters ${k.BENCH_CANCEL_N_ITERS}; it is cancelled as soon as its job.started is heard. The cooperative case keeps the default grace (2,000 ms), so a slow SIGTERM would show, not be cut short by SIGKILL.`,
        `Celery: each task sleeps ${k.BENCH_CANCEL_N_ITERS} × ${k.BENCH_CANCEL_LATENCY_MS} ms; it is revoked as soon as its STARTED state (task track_started, which names the pool child's pid) is heard on the result backend's channel. SIGKILL is what the original API sent; Crux's cooperative child exits on SIGTERM.`,
        ...(celery.missing ? [`Celery: not measured: ${celery.missing}`] : []),
        ...(celery.about ? [`Celery: ${celery.about}`] : []),
      ],
    });

    const stage = (/** @type {CancelSample[]} */ samples, /** @type {(x: CancelSample) => number} */ f) => pair(summarize(samples.map(f)));
    ctx.table({
      title: "cancel — where the time goes: each stage, p50 / p99, from the services' own timestamps (ms precision)",
      columns: ['stage', ...results.map((r) => r.key)],
      rows: [
        [
          'DELETE sent → cancel event made (gateway: auth, job-state lookup)',
          ...results.map((r) => stage(r.samples, (x) => x.cancelAt - x.sentAt)),
        ],
        [
          'cancel event made → SIGTERM (publish, worker hears it, signals)',
          ...results.map((r) => stage(r.samples, (x) => x.revokedAt - x.tookMs - x.cancelAt)),
        ],
        [
          'SIGTERM → child reaped (worker took_ms; includes the grace when SIGKILLed)',
          ...results.map((r) => stage(r.samples, (x) => x.tookMs)),
        ],
        ['child reaped → this process saw it gone', ...results.map((r) => stage(r.samples, (x) => x.goneAt - x.revokedAt))],
        [
          'cancel event made → 202 received (job-state applies it; the gateway polls)',
          ...results.map((r) => stage(r.samples, (x) => x.acceptedAt - x.cancelAt)),
        ],
      ],
      notes: [
        'SIGTERM time = job.revoked occurred_at − took_ms (the revoked event is made right after the child is reaped); "child reaped" = job.revoked occurred_at. Event times have millisecond precision.',
      ],
    });

    const cpuColumns = [...results, ...(celery.result ? [{ key: 'Celery revoke', ...celery.result }] : [])];
    ctx.table({
      title: `cancel — CPU of each process: CPU ms per cancel · share of one core (the machine has ${ctx.machine.cores})`,
      columns: ['process', ...cpuColumns.map((r) => r.key)],
      rows: [...new Set(cpuColumns.flatMap((r) => r.usage.map((u) => u.label.replace(/^worker-\d+/, 'worker'))))].map((label) => [
        label,
        ...cpuColumns.map((r) => {
          const row = r.usage.find((u) => u.label.replace(/^worker-\d+/, 'worker') === label);
          return row ? `${num((row.cpuS / r.samples.length) * 1000, 2)} ms · ${cores(row.cpuShare)}` : '—';
        }),
      ]),
      notes: [
        "Per cancel: submitting and starting the job, the cancel, the kill, and the new child the pool forks in the dead one's place (a Node process starting up). The bench row includes its 1 ms pid polling.",
      ],
    });

    if (celery.result && cs) {
      const c = celery.result;
      const pairOf = (/** @type {(x: import('./cancel/celery-revoke.mjs').RevokeSample) => number} */ f) =>
        pair(summarize(c.samples.map(f)));
      ctx.table({
        title: "cancel — Celery's revoke: where the time goes, p50 / p99 (the client's and the backend's clocks; µs precision)",
        columns: ['stage', 'Celery revoke'],
        rows: [
          ['this process asked → revoke() called (the pipe to the client)', pairOf((x) => x.calledAt - x.askedAt)],
          ['revoke() called → returned (publish the broadcast)', pairOf((x) => x.returnedAt - x.calledAt)],
          [
            'revoke() returned → child gone (the worker hears it, SIGKILLs, its pool reaps the child)',
            pairOf((x) => x.goneAt - x.returnedAt),
          ],
          ['revoke() called → REVOKED state stored (date_done)', pairOf((x) => x.revokedAt - x.calledAt)],
          ['REVOKED stored → heard here', pairOf((x) => x.revokedSeenAt - x.revokedAt)],
        ],
      });
    }

    ctx.goal({
      benchmark: 'cancel',
      goal: "cancel accepted → child gone p99 lower than Celery's revoke(terminate=True, signal='SIGKILL')",
      figure: cooperative ? `${ms(cooperative.accepted.p99)} (cooperative child)` : 'n/a',
      baseline: cs ? `Celery ${ms(cs.accepted.p99)}` : `not measured: ${celery.missing ?? 'no figures'}`,
      met: cooperative && cs ? cooperative.accepted.p99 < cs.accepted.p99 : null,
    });
    for (const s of stats) {
      const goal = goalOf(s.r);
      ctx.goal({
        benchmark: 'cancel',
        goal: `${s.r.key}: 202 → child gone p99 ≤ ${ms(goal)}`,
        figure: `${ms(s.accepted.p99)} (p50 ${ms(s.accepted.p50)})`,
        met: s.accepted.p99 <= goal,
      });
    }
  },
};

/** @param {CruxSystem} system @param {string} label */
function pidOf(system, label) {
  const pid = system.processes.get(label)?.pid;
  return pid ? [pid] : [];
}

/** @param {CancelSample[]} samples */
function outcomes(samples) {
  /** @type {Record<string, number>} */
  const counts = {};
  for (const s of samples)
    counts[`${s.outcome}${s.signal ? ` (${s.signal})` : ''}`] = (counts[`${s.outcome}${s.signal ? ` (${s.signal})` : ''}`] ?? 0) + 1;
  return Object.entries(counts)
    .map(([what, n]) => `${num(n)} ${what}`)
    .join(', ');
}

/**
 * Submits one long job; `start()` waits until it runs, then cancels it and resolves with a
 * function that waits for the child to be gone and job.revoked, giving the sample.
 * @param {{ http: import('./lib/http-client.mjs').JsonClient, tap: EventTap, watch: PidWatch, body: string, jobPath: (id: string) => string }} deps
 */
async function cancelOne({ http, tap, watch, body, jobPath }) {
  const submitted = await http.post(SOLVE_PATH, body);
  if (submitted.status !== 202 || typeof submitted.body?.job_id !== 'string') {
    throw new Error(`POST ${SOLVE_PATH} answered ${submitted.status} ${JSON.stringify(submitted.body)}`);
  }
  /** @type {string} */
  const jobId = submitted.body.job_id;
  return {
    start: async () => {
      const started = await tap.when(JobEventType.Started, jobId, STEP_TIMEOUT_MS);
      const pid = Number(started.event.data?.pid);
      if (!Number.isInteger(pid) || pid <= 0)
        throw new Error(`job.started of ${jobId} carries no pid: ${JSON.stringify(started.event.data)}`);
      const ended = tap.get(JobEventType.Completed, jobId) ?? tap.get(JobEventType.Failed, jobId);
      if (ended || !PidWatch.alive(pid))
        throw new Error(
          `job ${jobId} (child ${pid}) ended before it was cancelled: make it longer (BENCH_CANCEL_N_ITERS, BENCH_CANCEL_LATENCY_MS)`,
        );
      const gone = watch.gone(pid);
      const sentAt = epochNow();
      const answer = await http.send('DELETE', jobPath(jobId));
      const acceptedAt = epochNow();
      if (answer.status !== 202) throw new Error(`DELETE ${jobPath(jobId)} answered ${answer.status} ${JSON.stringify(answer.body)}`);
      return async () => {
        const [goneAt, revoked, cancelled] = await Promise.all([
          withTimeout(gone, STEP_TIMEOUT_MS, `child ${pid} of job ${jobId} to be gone`),
          tap.when(JobEventType.Revoked, jobId, STEP_TIMEOUT_MS),
          tap.when(JobEventType.Cancel, jobId, STEP_TIMEOUT_MS),
        ]);
        const data = revoked.event.data ?? {};
        if (data.pid !== pid) throw new Error(`job.revoked of ${jobId} names child ${data.pid}, not ${pid}: ${JSON.stringify(data)}`);
        /** @type {CancelSample} */
        const sample = {
          jobId,
          pid,
          sentAt,
          acceptedAt,
          goneAt,
          cancelAt: Date.parse(cancelled.event.occurred_at),
          revokedAt: Date.parse(revoked.event.occurred_at),
          tookMs: Number(data.took_ms),
          outcome: String(data.outcome),
          signal: data.signal ?? null,
        };
        return sample;
      };
    },
  };
}

/**
 * The Celery baseline of the cancel benchmark, or why it was not measured.
 * @param {import('./benchmarks.mjs').BenchContext} ctx
 * @param {{ [name in keyof typeof KNOBS]: number }} k
 * @param {{ system: CruxSystem, watch: PidWatch, parallel: number }} deps
 * @returns {Promise<{ result?: Awaited<ReturnType<typeof celeryRevokes>>, missing?: string, about?: string }>}
 */
async function runCelery(ctx, k, { system, watch, parallel }) {
  if (!k.BENCH_CELERY) return { missing: 'BENCH_CELERY=0' };
  const available = await ensureCelery(ctx.log);
  if (!available.ok) return { missing: available.why };
  const about = `${available.versions}${available.installed.length ? `; installed by this run with apt-get: ${available.installed.join(', ')}` : ''}; prefork pool of ${k.BENCH_CANCEL_CONCURRENCY}, Redis broker and result backend.`;
  try {
    const result = await celeryRevokes({
      redisUrl: system.redis.url,
      concurrency: k.BENCH_CANCEL_CONCURRENCY,
      parallel,
      count: k.BENCH_CANCEL_COUNT,
      warmup: k.BENCH_CANCEL_WARMUP,
      nIters: k.BENCH_CANCEL_N_ITERS,
      latencyS: k.BENCH_CANCEL_LATENCY_MS / 1000,
      watch,
      extra: [
        { label: 'redis-server', pids: () => (system.redis.process.pid ? [system.redis.process.pid] : []) },
        { label: 'bench (client, pid polling)', pids: () => [process.pid] },
      ],
      log: ctx.log,
      defer: ctx.defer,
    });
    const s = summarize(result.samples.map((x) => x.goneAt - x.returnedAt));
    ctx.log(`Celery: revoke() returned → gone p50 ${ms(s.p50)}, p99 ${ms(s.p99)}; worst pid-poll gap ${ms(result.worstGapMs)}`);
    return { result, about };
  } catch (error) {
    // The baseline failing is reported in its column; Crux's figures still stand.
    const missing = `the run failed: ${error instanceof Error ? error.message : String(error)}`;
    ctx.log(`Celery: ${missing}`);
    return { missing, about };
  }
}
