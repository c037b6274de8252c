/**
 * Celery 5 from Debian's packages, the stack Crux replaces, as a baseline: installs it with
 * apt-get when it is missing, starts a prefork worker (baselines/celery_app.py) on a given
 * Redis, and drives the Celery client (baselines/celery_client.py) over a pipe. Everything
 * Python runs under /usr/bin/python3, where Debian's packages are, not the `python3` on PATH
 * (a pyenv shim may not see them).
 */
import { execFile, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { ManagedProcess, waitFor } from '@crux/test-harness';
import { childrenOf } from './proc.mjs';
import { PidWatch } from './pid-watch.mjs';
import { parseClientLine } from './celery-protocol.mjs';

export const CELERY_PACKAGES = ['celery', 'python3-celery', 'python3-redis'];
/** Shared by every benchmark with a Celery baseline. */
export const CELERY_KNOBS = {
  BENCH_CELERY: { default: 1, min: 0, max: 1, meaning: 'run the Celery baseline (0: its rows say not measured)' },
};
export const PYTHON = process.env.BENCH_CELERY_PYTHON || '/usr/bin/python3';
const BASELINES = join(dirname(fileURLToPath(import.meta.url)), '..', 'baselines');
const APT_TIMEOUT_MS = 600_000;

/**
 * @typedef {{ ok: true, versions: string, installed: string[] } | { ok: false, why: string }} CeleryAvailability
 *   installed: the Debian packages this run installed (empty when they were there already)
 */

/** @type {Promise<CeleryAvailability> | undefined} */
let availability;

/**
 * Celery, kombu, billiard and redis-py importable by PYTHON, installing Debian's packages
 * when they are not (once per run). Never throws: without them the Celery rows say why.
 * @param {(line: string) => void} log
 * @returns {Promise<CeleryAvailability>}
 */
export function ensureCelery(log) {
  availability ??= install(log);
  return availability;
}

/** @param {(line: string) => void} log @returns {Promise<CeleryAvailability>} */
async function install(log) {
  const before = await probe();
  if (before.ok) return { ok: true, versions: before.versions, installed: [] };
  log(`Celery is not importable by ${PYTHON} (${before.why}); installing Debian's ${CELERY_PACKAGES.join(', ')} with apt-get`);
  if (process.getuid?.() !== 0)
    return {
      ok: false,
      why: `Celery is not installed for ${PYTHON} and apt-get needs root (this run is uid ${process.getuid?.()}): apt-get install ${CELERY_PACKAGES.join(' ')}`,
    };
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const aptArgs = ['-o', 'DPkg::Lock::Timeout=120', 'install', '-y', '--no-install-recommends', ...CELERY_PACKAGES];
  // What apt would install, printed before it does (a dry run); an empty package index is refreshed once.
  let plan = await run('apt-get', ['-s', ...aptArgs], env);
  if (!plan.ok) {
    log('apt-get cannot find the packages: running apt-get update first');
    const update = await run('apt-get', ['-o', 'DPkg::Lock::Timeout=120', 'update'], env);
    if (!update.ok) return { ok: false, why: `apt-get update failed: ${lastLine(update.output)}` };
    plan = await run('apt-get', ['-s', ...aptArgs], env);
    if (!plan.ok) return { ok: false, why: `apt-get cannot install ${CELERY_PACKAGES.join(' ')}: ${lastLine(plan.output)}` };
  }
  const installed = [...plan.output.matchAll(/^Inst (\S+) \(([^ ]+)/gm)].map((m) => `${m[1]} ${m[2]}`);
  log(`apt-get installs ${installed.length} packages: ${installed.join(', ')}`);
  const done = await run('apt-get', aptArgs, env);
  if (!done.ok) return { ok: false, why: `apt-get install failed: ${lastLine(done.output)}` };
  const after = await probe();
  if (!after.ok) return { ok: false, why: `${CELERY_PACKAGES.join(', ')} are installed, but ${PYTHON} cannot import them: ${after.why}` };
  return { ok: true, versions: after.versions, installed };
}

/** @returns {Promise<{ ok: true, versions: string } | { ok: false, why: string }>} */
async function probe() {
  const code =
    'import sys, celery, kombu, billiard, redis; print(f"Celery {celery.__version__}, kombu {kombu.__version__}, billiard {billiard.__version__}, redis-py {redis.__version__}, Python {sys.version.split()[0]}")';
  const r = await run(PYTHON, ['-c', code], pythonEnv());
  return r.ok ? { ok: true, versions: r.output.trim() } : { ok: false, why: lastLine(r.output) };
}

/**
 * @param {string} command @param {string[]} args @param {NodeJS.ProcessEnv} env
 * @returns {Promise<{ ok: boolean, output: string }>}
 */
function run(command, args, env) {
  return new Promise((resolve) => {
    execFile(command, args, { env, timeout: APT_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ ok: !error, output: `${stdout}${stderr}${error && !stdout && !stderr ? error.message : ''}` });
    });
  });
}

/** @param {string} text */
function lastLine(text) {
  return text.trim().split('\n').filter(Boolean).at(-1) ?? 'no output';
}

/**
 * Environment of every Python process: Debian's interpreter with the baselines directory
 * importable, and no bytecode written into the work tree.
 * @param {Record<string, string>} [extra]
 */
export function pythonEnv(extra = {}) {
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, PYTHONPATH: BASELINES, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1', ...extra };
  delete env.PYTHONHOME;
  delete env.NODE_OPTIONS;
  return env;
}

/**
 * A Celery worker: the prefork pool (`concurrency` children) with a Redis broker and result
 * backend, Celery's defaults otherwise. Prints `celery-worker ready` (worker_ready signal).
 * @param {{ redisUrl: string, concurrency: number, label?: string }} options
 */
export async function startCeleryWorker({ redisUrl, concurrency, label = 'celery-worker' }) {
  const worker = new ManagedProcess(
    label,
    PYTHON,
    [
      '-m',
      'celery',
      '-A',
      'celery_app',
      'worker',
      '--pool=prefork',
      `--concurrency=${concurrency}`,
      '--loglevel=WARNING',
      `--hostname=bench-${process.pid}@%h`,
    ],
    pythonEnv({ BENCH_CELERY_BROKER: redisUrl, BENCH_CELERY_BACKEND: redisUrl }),
    BASELINES,
  );
  worker.start();
  /** Its pool's children, remembered: a cold shutdown must not leave one behind. */
  const seen = new Set();
  const stop = async () => {
    if (worker.pid) for (const pid of childrenOf(worker.pid)) seen.add(pid);
    // SIGQUIT: Celery's cold shutdown (SIGTERM would wait for running tasks to finish).
    await worker.kill('SIGQUIT');
    for (const pid of seen) {
      if (!PidWatch.alive(pid)) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
  };
  try {
    await waitFor(
      () => {
        if (!worker.running) throw new Error(`the Celery worker exited: ${worker.log()}`);
        return worker.log().includes('celery-worker ready') && (worker.pid ? childrenOf(worker.pid).length >= concurrency : false);
      },
      { what: 'the Celery worker', timeoutMs: 60_000 },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    worker,
    /** @type {import('./proc.mjs').Watched[]} */
    processes: [
      { label: `${label} (main)`, pids: () => (worker.pid ? [worker.pid] : []) },
      { label: `${label} pool children`, pids: () => (worker.pid ? childrenOf(worker.pid) : []) },
    ],
    stop,
  };
}

/**
 * The Celery client in its own Python process (baselines/celery_client.py): sends tasks with
 * apply_async and revokes them, one command per line. Each command resolves with the
 * client's own epoch-ms times just before and just after the Celery call.
 * @param {{ redisUrl: string, request: string, label?: string }} options
 */
export async function startCeleryClient({ redisUrl, request, label = 'celery-client' }) {
  const child = spawn(PYTHON, [join(BASELINES, 'celery_client.py')], {
    env: pythonEnv({ BENCH_CELERY_BROKER: redisUrl, BENCH_CELERY_REQUEST: request }),
    cwd: BASELINES,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = `${stderr}${chunk}`.slice(-4000)));
  /** @type {Map<string, { resolve: (v: { before: number, after: number }) => void, reject: (e: Error) => void }>} */
  const pending = new Map();
  let ready = false;
  /** @type {(v?: unknown) => void} */
  let onReady = () => {};
  const readyPromise = new Promise((resolve) => (onReady = resolve));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const answer = parseClientLine(line);
    if (answer.kind === 'ready') {
      ready = true;
      onReady();
      return;
    }
    if (answer.kind === 'other') return;
    const key = `${answer.command} ${answer.id}`;
    const waiting = pending.get(key);
    if (!waiting) return;
    pending.delete(key);
    if (answer.kind === 'error') waiting.reject(new Error(`Celery client: ${answer.command} ${answer.id}: ${answer.message}`));
    else waiting.resolve({ before: answer.before, after: answer.after });
  });
  child.once('exit', (code, signal) => {
    for (const [key, waiting] of pending)
      waiting.reject(new Error(`the Celery client exited (${signal ?? code}) before answering ${key}: ${stderr}`));
    pending.clear();
    onReady();
  });
  /** @param {string} command @param {string} id @param {string[]} [args] */
  const send = (command, id, args = []) =>
    /** @type {Promise<{ before: number, after: number }>} */ (
      new Promise((resolve, reject) => {
        if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`the Celery client is not running: ${stderr}`));
        pending.set(`${command} ${id}`, { resolve, reject });
        child.stdin.write(`${[command, id, ...args].join(' ')}\n`);
      })
    );
  const close = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  await Promise.race([readyPromise, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  if (!ready) {
    await close();
    throw new Error(`the Celery client did not start: ${stderr}`);
  }
  return {
    pid: child.pid,
    /** apply_async of the lifecycle's task (the trivial solve) under this id. */
    add: (/** @type {string} */ id) => send('add', id),
    /** apply_async of a long task (n_iters × latency_s), run with track_started so its STARTED state names the child's pid. */
    addLong: (/** @type {string} */ id, /** @type {number} */ nIters, /** @type {number} */ latencyS) =>
      send('long', id, [String(nIters), String(latencyS)]),
    /** app.control.revoke(id, terminate=True, signal='SIGKILL'), the original system's cancel. */
    revoke: (/** @type {string} */ id) => send('revoke', id),
    /** @type {import('./proc.mjs').Watched} */
    process: { label, pids: () => (child.pid && child.exitCode === null ? [child.pid] : []) },
    close,
  };
}
