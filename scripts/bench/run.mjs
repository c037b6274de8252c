#!/usr/bin/env node
/**
 * `npm run bench [-- <name>… ] [--no-build] [--json <file>] [--list]`
 *
 * Prints figures; it is not a test. Every comparison runs its baseline in the same run on
 * the same machine. Exits non-zero only when a run itself goes wrong (a service does not
 * start, requests fail, jobs do not complete), never because a figure misses its goal.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, buildLibraries, missingBuilds } from './lib/build.mjs';
import { describeMachine, machineLine } from './lib/machine.mjs';
import { childrenOf, loadAverage } from './lib/proc.mjs';
import { printTable } from './lib/table.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** @type {import('./benchmarks.mjs').Benchmark[]} */
let BENCHMARKS = [];
const usage = () => `usage: npm run bench [-- [name…] [--no-build] [--json <file>] [--list]]
  name        run only these benchmarks (default: all), one of:
${BENCHMARKS.map((b) => `                ${b.name}${b.aliases.length ? ` (${b.aliases.join(', ')})` : ''}: ${b.summary}`).join('\n')}
  --no-build  use the existing dist/ builds instead of building first
  --json F    also write every table and goal verdict to F
  --list      list the benchmarks and exit
Sizes and durations: BENCH_* environment variables (see BENCHMARKS.md).`;

/** @param {string[]} argv */
function parseArgs(argv) {
  const options = { names: /** @type {string[]} */ ([]), build: true, json: /** @type {string | null} */ (null), list: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--no-build') options.build = false;
    else if (arg === '--list') options.list = true;
    else if (arg === '--json') options.json = argv[++i] ?? null;
    else if (arg === '--help' || arg === '-h') options.list = true;
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg} (npm run bench -- --list says what there is)`);
    else options.names.push(arg);
  }
  return options;
}

/** @param {string[]} names */
function select(names) {
  if (names.length === 0) return BENCHMARKS;
  return names.map((name) => {
    const found = BENCHMARKS.find((b) => b.name === name || b.aliases.includes(name));
    if (!found) throw new Error(`no benchmark '${name}'\n${usage()}`);
    return found;
  });
}

const log = (/** @type {string} */ line) => process.stderr.write(`${line}\n`);
const firstLine = (/** @type {unknown} */ error) => (error instanceof Error ? error.message : String(error)).split('\n')[0];

/** @type {Array<() => unknown>} */
let cleanups = [];
async function runCleanups() {
  const due = cleanups.reverse();
  cleanups = [];
  for (const cleanup of due) {
    try {
      await cleanup();
    } catch (error) {
      log(`  cleanup failed: ${/** @type {Error} */ (error).message}`);
    }
  }
  await stopStrayChildren();
}

/**
 * Last resort: any process this run spawned that is still alive once the cleanups have run
 * (e.g. the NATS and Redis servers of a system whose start failed half-way) is stopped by
 * its pid — never by name.
 */
async function stopStrayChildren() {
  const strays = childrenOf(process.pid);
  if (strays.length === 0) return;
  log(`  stopping ${strays.length} process(es) left running: ${strays.join(', ')}`);
  const signal = (/** @type {number} */ pid, /** @type {NodeJS.Signals} */ sig) => {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  };
  for (const pid of strays) signal(pid, 'SIGTERM');
  const deadline = performance.now() + 5000;
  while (childrenOf(process.pid).some((pid) => strays.includes(pid)) && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  for (const pid of childrenOf(process.pid)) if (strays.includes(pid)) signal(pid, 'SIGKILL');
}

// A promise left behind by a benchmark stopped at its budget must not crash the run before its cleanups.
process.on('unhandledRejection', (reason) => {
  log(`  unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}`);
  process.exitCode = 1;
});

// Ctrl-C still stops the servers and services this run started.
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => {
    log(`\n${signal}: stopping what the benchmark started`);
    void runCleanups().finally(() => process.exit(130));
  });
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  // The benchmark scripts import the built libraries: on a fresh checkout those come first.
  if (options.build) await buildLibraries(root);
  BENCHMARKS = (await import('./benchmarks.mjs')).BENCHMARKS;
  if (options.list) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  const chosen = select(options.names);
  const services = [...new Set(chosen.flatMap((b) => b.services))];
  if (options.build) {
    log(`building ${['test-harness', ...services].join(', ')} (and the libraries they use)…`);
    await build(root, services);
  }
  const missing = missingBuilds(root, services);
  if (missing.length) throw new Error(`not built: ${missing.join(', ')}. Run \`npx nx run-many -t build\` (or drop --no-build).`);

  const machine = describeMachine();
  process.stdout.write(`# npm run bench — ${new Date().toISOString()}\n\n${machineLine(machine)}\n`);
  // The services inherit this environment: a CRUX_* setting here changes what is measured.
  const inherited = Object.keys(process.env).filter((name) => name.startsWith('CRUX_') || name.startsWith('BENCH_'));
  process.stdout.write(
    `settings from the environment: ${inherited.length ? inherited.map((n) => `${n}=${/KEY|SECRET|TOKEN|PASSWORD/.test(n) ? '(set)' : process.env[n]}`).join(' ') : 'none (defaults)'}\n`,
  );
  if (machine.loadAverage[0] > machine.cores * 0.5) {
    process.stdout.write(
      `note: the machine is already busy (1-min load ${machine.loadAverage[0].toFixed(2)} on ${machine.cores} cores): absolute figures are low and noisy; the ratios against the same-run baselines are what to read.\n`,
    );
  }

  /** @type {import('./lib/table.mjs').Table[]} */
  const tables = [];
  /** @type {import('./benchmarks.mjs').GoalVerdict[]} */
  const goals = [];
  /** @type {Array<{ name: string, error: string }>} */
  const failures = [];
  for (const bench of chosen) {
    const started = performance.now();
    log(`\n== ${bench.name}: ${bench.summary}`);
    /** @type {import('./benchmarks.mjs').BenchContext} */
    const ctx = {
      log: (line) => log(`  ${bench.name}: ${line}`),
      table: (table) => {
        tables.push(table);
        printTable(table);
      },
      goal: (verdict) => goals.push(verdict),
      defer: (cleanup) => cleanups.push(cleanup),
      machine,
      explicit: options.names.length > 0,
    };
    /** @type {NodeJS.Timeout | undefined} */
    let watchdog;
    try {
      await Promise.race([
        bench.run(ctx),
        new Promise((_, reject) => {
          watchdog = setTimeout(() => reject(new Error(`stopped after its budget of ${bench.budgetS} s`)), bench.budgetS * 1000);
        }),
      ]);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      failures.push({ name: bench.name, error: message });
      log(`  ${bench.name} FAILED: ${message}`);
      // Its goals were not measured: the goals table says so rather than leaving them out.
      if (!goals.some((g) => g.benchmark === bench.name)) {
        goals.push({
          benchmark: bench.name,
          goal: 'its goals',
          figure: `not measured: the benchmark did not complete (${firstLine(error)})`,
          met: null,
        });
      }
    } finally {
      clearTimeout(watchdog);
      await runCleanups();
    }
    log(`  ${bench.name}: done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }

  if (goals.length) {
    printTable({
      title: 'goals',
      columns: ['benchmark', 'goal', 'measured', 'baseline (same run)', 'met'],
      rows: goals.map((g) => [g.benchmark, g.goal, g.figure, g.baseline ?? '', g.met === null ? 'not measured' : g.met ? 'yes' : 'NO']),
      notes: ['A missed goal is a finding, not a failure of the run: see BENCHMARKS.md for where the time goes.'],
    });
  }
  const after = loadAverage();
  process.stdout.write(`load average at the end: ${after.map((x) => x.toFixed(2)).join(' ')} (1/5/15 min)\n`);
  if (options.json)
    writeFileSync(options.json, `${JSON.stringify({ machine, tables, goals, failures, loadAverageAfter: after }, null, 2)}\n`);
  for (const failure of failures) process.stderr.write(`\nbenchmark ${failure.name} did not complete:\n${failure.error}\n`);
  return failures.length ? 1 : 0;
}

main()
  .then(
    (code) => {
      process.exitCode = code;
    },
    async (error) => {
      await runCleanups();
      process.stderr.write(`npm run bench: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  )
  .finally(() => {
    // Everything was closed above; a client library's stray timer must not keep the run alive.
    setTimeout(() => process.exit(), 5000).unref();
  });
