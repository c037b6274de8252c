/**
 * `npm start`: the whole system on this machine. Finds or starts NATS and Redis, settles
 * the API keys, starts each built service and waits for its ready line, then prints where
 * everything is. Stopping (or any service dying) stops the services, then the servers
 * that were started here.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { renderBanner } from './banner.mjs';
import { resolveApiKeys } from './dev-keys.mjs';
import { StartError } from './errors.mjs';
import { portAnswers } from './net.mjs';
import { makePrefix } from './prefix-lines.mjs';
import { leftoverProblem, readRecord, removeRecord, writeRecord } from './run-record.mjs';
import { ensureServer, natsSpec, redisSpec } from './servers.mjs';
import { describeExit, Service } from './service.mjs';

/** Start order: the projection first, so nothing published is waiting on it; the gateway last, so the URL works once printed. */
export const SERVICE_ORDER = ['job-state', 'audit', 'worker', 'gateway'];
/** Services a later issue adds; started when built, skipped otherwise. */
const OPTIONAL_SERVICES = new Set(['audit']);

/**
 * @typedef {object} StartOptions
 * @property {string} root                          the checkout
 * @property {Record<string, string | undefined>} env
 * @property {{ write(text: string): unknown, isTTY?: boolean }} stdout
 * @property {{ write(text: string): unknown }} stderr
 * @property {number} [readyTimeoutMs]
 * @property {AbortSignal} [signal]  aborts a start in progress (Ctrl-C while waiting for a service)
 */

/**
 * @typedef {object} System
 * @property {(reason?: string) => Promise<void>} stop  stops everything (safe to call more than once)
 * @property {Promise<number>} done   the exit code: 0 after stop(), 1 when a service died
 */

/**
 * Resolves once everything is ready; rejects with a StartError (after cleaning up) otherwise.
 * @param {StartOptions} options
 * @returns {Promise<System>}
 */
export async function startSystem({ root, env, stdout, stderr, readyTimeoutMs = 60_000, signal }) {
  const colour = stdout.isTTY === true && !env.NO_COLOR;
  const names = SERVICE_ORDER.filter((name) => !OPTIONAL_SERVICES.has(name) || existsSync(scriptOf(root, name)));
  const width = Math.max(5, ...names.map((name) => name.length));
  const startPrefix = makePrefix('start', width, 5, colour);
  const log = (/** @type {string} */ line) => stdout.write(`${startPrefix}${line}\n`);
  const warn = (/** @type {string} */ line) => stderr.write(`${startPrefix}${line}\n`);

  const missing = names.filter((name) => !existsSync(scriptOf(root, name)));
  if (missing.length) {
    throw new StartError(
      `not built: ${missing.map((name) => `apps/${name}/dist/main.js`).join(', ')}. Run \`npm run build\` (npm start builds first).`,
    );
  }
  // Never beside what an earlier npm start still runs: a second projector, an old lease, old settings.
  const leftover = leftoverProblem(readRecord(root));
  if (leftover) throw new StartError(leftover);
  const keys = resolveApiKeys(root, env);
  const httpPort = Number(env.CRUX_HTTP_PORT?.trim() || 8000);
  if (!Number.isInteger(httpPort) || httpPort < 1 || httpPort > 65535) {
    throw new StartError(`CRUX_HTTP_PORT must be a port number from 1 to 65535, got '${env.CRUX_HTTP_PORT}'`);
  }
  if (await portAnswers('127.0.0.1', httpPort)) {
    throw new StartError(`port ${httpPort} is already in use (another npm start?). Stop it, or set CRUX_HTTP_PORT to another port.`);
  }

  /** @type {import('./servers.mjs').RunningServer[]} */
  const servers = [];
  /** @type {Service[]} */
  const services = [];
  let stopping = false;
  /** @type {Promise<void> | undefined} */
  let stopped;
  /** @type {import('./run-record.mjs').RunRecord} */
  const record = {
    url: `http://127.0.0.1:${httpPort}`,
    started_at: new Date().toISOString(),
    // The script's file name: its command line may hold a relative path (`node scripts/start.mjs`).
    processes: [{ name: 'npm start', pid: process.pid, marker: basename(process.argv[1] ?? process.execPath) }],
  };
  const recordProcesses = () => {
    for (const server of servers) {
      if (server.pid && !record.processes.some((owned) => owned.pid === server.pid))
        record.processes.push({ name: server.name, pid: server.pid, marker: server.binary ?? server.name });
    }
    for (const service of services) {
      const pid = service.child?.pid;
      if (pid && !record.processes.some((owned) => owned.pid === pid))
        record.processes.push({ name: service.name, pid, marker: service.options.script });
    }
    writeRecord(root, record);
  };
  // The children run in their own process groups so that Ctrl-C reaches only npm start; if
  // npm start dies without stopping them (an uncaught error), take them down with it.
  const killAll = () => {
    for (const service of services) service.kill();
    for (const server of servers) server.kill();
  };
  process.once('exit', killAll);

  /** @param {string} [reason] */
  const stop = (reason) => {
    stopping = true;
    stopped ??= (async () => {
      if (reason) warn(reason);
      // Front door first, the projection last: it records what the others published while stopping.
      for (const service of [...services].reverse()) {
        await service.stop();
        const { code, signal } = await service.exited;
        if (code !== 0 && code !== null) warn(`${service.name} stopped with ${describeExit(code, signal)}`);
      }
      for (const server of [...servers].reverse()) await server.stop();
      if (servers.some((server) => server.started)) log('stopped the servers npm start had started');
      removeRecord(root);
      process.off('exit', killAll);
    })();
    return stopped;
  };

  try {
    writeRecord(root, record);
    servers.push(await ensureServer(natsSpec(root, env), log, env));
    recordProcesses();
    if (signal?.aborted) throw interrupted();
    servers.push(await ensureServer(redisSpec(root, env), log, env));
    recordProcesses();
    if (signal?.aborted) throw interrupted();
    const childEnv = {
      ...env,
      NATS_URL: servers[0].url,
      REDIS_URL: servers[1].url,
      CRUX_API_KEYS: keys.setting,
      CRUX_HTTP_PORT: String(httpPort),
      // The services' output goes through a pipe here; keep colour codes out of log files.
      ...(colour || env.NO_COLOR !== undefined ? {} : { NO_COLOR: '1' }),
    };
    for (const [index, name] of names.entries()) {
      const prefix = makePrefix(name, width, index, colour);
      const service = new Service({
        name,
        script: scriptOf(root, name),
        cwd: root,
        env: childEnv,
        print: (line, stream) => (stream === 'stderr' ? stderr : stdout).write(`${prefix}${line}\n`),
      });
      services.push(service);
      log(`starting ${name}`);
      const ready = service.start(readyTimeoutMs);
      recordProcesses();
      await untilAborted(ready, signal);
    }
  } catch (error) {
    await stop();
    throw error;
  }

  const url = `http://127.0.0.1:${httpPort}`;
  stdout.write(renderBanner({ url, servers, keys, services: names }));

  /** @type {(code: number) => void} */
  let finish = () => {};
  /** @type {Promise<number>} */
  const done = new Promise((resolve) => {
    finish = resolve;
  });
  for (const service of services) {
    service.exited.then(async ({ code, signal }) => {
      if (stopping) return;
      await stop(`${service.name} exited unexpectedly (${describeExit(code, signal)}); stopping everything`);
      finish(1);
    });
  }

  return {
    // A requested stop ends with 0 unless a crash got there first (a promise settles once).
    stop: async (reason) => {
      await stop(reason);
      finish(0);
    },
    done,
  };
}

function interrupted() {
  return new StartError('interrupted while starting; stopped what had started');
}

/**
 * Settles like `promise`, or rejects as soon as `signal` aborts.
 * @template T
 * @param {Promise<T>} promise
 * @param {AbortSignal | undefined} signal
 * @returns {Promise<T>}
 */
function untilAborted(promise, signal) {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(interrupted());
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(interrupted());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * @param {string} root
 * @param {string} name
 */
function scriptOf(root, name) {
  return join(root, 'apps', name, 'dist', 'main.js');
}
