/**
 * NATS and Redis for `npm start`: use the ones at NATS_URL / REDIS_URL when something
 * answers there; otherwise start private ones on those ports with their data under
 * `.crux/`, or explain how to install them.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StartError } from './errors.mjs';
import { endpointOf, isLocalHost, pollUntil, portAnswers } from './net.mjs';

/**
 * @typedef {object} ServerSpec
 * @property {string} name            NATS or Redis
 * @property {string} url             the setting's value
 * @property {string} setting         NATS_URL or REDIS_URL
 * @property {number} defaultPort
 * @property {string} binary          executable name or path
 * @property {string} dataDir         where its data lives
 * @property {(host: string, port: number, dataDir: string) => string[]} args
 */

/**
 * @typedef {object} RunningServer
 * @property {string} name
 * @property {string} url
 * @property {boolean} started   true when npm start started it (and so stops it)
 * @property {string} [logFile]
 * @property {number} [pid]     the tether's (see tether.mjs), when npm start started it
 * @property {string} [binary]  the server's executable, when npm start started it
 * @property {() => Promise<void>} stop
 * @property {() => void} kill  SIGKILL at once, for when npm start itself is dying
 */

/**
 * @param {string} root
 * @param {Record<string, string | undefined>} env
 * @returns {ServerSpec}
 */
export function natsSpec(root, env) {
  return {
    name: 'NATS',
    url: env.NATS_URL?.trim() || 'nats://127.0.0.1:4222',
    setting: 'NATS_URL',
    defaultPort: 4222,
    binary: env.NATS_SERVER_BIN || 'nats-server',
    dataDir: join(root, '.crux', 'nats'),
    args: (host, port, dataDir) => ['-a', host, '-p', String(port), '-js', '-sd', dataDir, '-n', 'crux-dev'],
  };
}

/**
 * @param {string} root
 * @param {Record<string, string | undefined>} env
 * @returns {ServerSpec}
 */
export function redisSpec(root, env) {
  return {
    name: 'Redis',
    url: env.REDIS_URL?.trim() || 'redis://127.0.0.1:6379',
    setting: 'REDIS_URL',
    defaultPort: 6379,
    binary: env.REDIS_SERVER_BIN || 'redis-server',
    dataDir: join(root, '.crux', 'redis'),
    // An append-only file so jobs survive a restart, as the JOBS stream does.
    args: (host, port, dataDir) => ['--bind', host, '--port', String(port), '--dir', dataDir, '--appendonly', 'yes', '--save', ''],
  };
}

const TETHER = fileURLToPath(new URL('./tether.mjs', import.meta.url));

const INSTALL_HINT = 'Install them with: sudo apt-get install nats-server redis-server';

/**
 * @param {ServerSpec} spec
 * @param {(line: string) => void} log
 * @param {Record<string, string | undefined>} env
 * @returns {Promise<RunningServer>}
 */
export async function ensureServer(spec, log, env) {
  const { host, port, hasAuth } = endpointOf(spec.url, spec.defaultPort);
  if (await portAnswers(host, port)) {
    log(`${spec.name}: using the server already at ${spec.url}`);
    return { name: spec.name, url: spec.url, started: false, stop: async () => {}, kill: () => {} };
  }
  if (!isLocalHost(host) || hasAuth) {
    throw new StartError(
      `${spec.name}: nothing answers at ${spec.setting}=${spec.url}, and npm start only starts servers of its own ` +
        `on this machine without credentials. Start that server, or unset ${spec.setting}.`,
    );
  }
  const binary = findExecutable(spec.binary, env);
  if (!binary) {
    throw new StartError(
      `${spec.name}: nothing answers at ${spec.url} and \`${spec.binary}\` is not installed.\n${INSTALL_HINT}\n(or point ${spec.setting} at a running server)`,
    );
  }

  mkdirSync(spec.dataDir, { recursive: true, mode: 0o700 });
  const logFile = `${spec.dataDir}.log`;
  const logFd = openSync(logFile, 'a');
  const bindHost = host === 'localhost' ? '127.0.0.1' : host;
  // Its own process group: Ctrl-C reaches npm start only, which stops the services before their servers.
  // Through the tether, which stops the server when npm start is gone, even after a SIGKILL.
  const child = spawn(process.execPath, [TETHER, binary, ...spec.args(bindHost, port, spec.dataDir)], {
    detached: true,
    stdio: ['pipe', logFd, logFd],
  });
  holdOpen(child);
  closeSync(logFd);
  /** @type {{ code: number | null, signal: string | null } | undefined} */
  let exit;
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(undefined);
    }),
  );
  child.once('error', () => {
    exit = exit ?? { code: null, signal: null };
  });

  const up = await pollUntil(() => portAnswers(host, port), { timeoutMs: 20_000, stop: () => exit !== undefined });
  const stop = () => stopChild(child, exited);
  if (!up) {
    await stop();
    const why = exit ? `exited (code ${exit.code ?? exit.signal})` : 'did not open its port within 20 s';
    throw new StartError(`${spec.name}: ${binary} ${why}. Its log, ${logFile}, ends with:\n${tail(logFile, 8)}`);
  }
  log(`${spec.name}: started ${spec.binary} on ${bindHost}:${port} (data in ${spec.dataDir}, log in ${logFile})`);
  // SIGKILL of the tether alone would orphan the server; SIGTERM to it stops both at once.
  return { name: spec.name, url: spec.url, started: true, logFile, pid: child.pid, binary, stop, kill: () => void child.kill('SIGTERM') };
}

/**
 * SIGTERM, then SIGKILL if it is still there after `graceMs`.
 * @param {import('node:child_process').ChildProcess} child
 * @param {Promise<unknown>} exited
 * @param {number} [graceMs]
 */
export async function stopChild(child, exited, graceMs = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Keeps the pipe to a child's stdin open, written to never, without it keeping npm start alive:
 * the child sees it end only when npm start's process is gone.
 * @param {import('node:child_process').ChildProcess} child
 */
export function holdOpen(child) {
  child.stdin?.on('error', () => undefined);
  /** @type {{ unref?: () => void } | null} */ (child.stdin)?.unref?.();
}

/**
 * The path of `name` on PATH, also looking in the sbin directories Debian installs servers
 * to (nats-server lands in /usr/sbin, which is not on a normal user's PATH).
 * @param {string} name
 * @param {Record<string, string | undefined>} env
 * @returns {string | undefined}
 */
export function findExecutable(name, env) {
  const candidates = name.includes('/')
    ? [name]
    : [...(env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/local/sbin', '/usr/sbin', '/sbin'].map((dir) => join(dir, name));
  return candidates.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * @param {string} file
 * @param {number} lines
 */
function tail(file, lines) {
  try {
    return readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .slice(-lines)
      .map((line) => `  ${line}`)
      .join('\n');
  } catch {
    return '  (no log)';
  }
}
