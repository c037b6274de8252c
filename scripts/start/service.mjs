/**
 * One Crux service run by `npm start`: a `node apps/<name>/dist/main.js` child whose
 * output is prefixed with its name, which is ready once it prints `crux-<name> ready`.
 */
import { spawn } from 'node:child_process';
import { StartError } from './errors.mjs';
import { LineSplitter } from './prefix-lines.mjs';
import { holdOpen, stopChild } from './servers.mjs';

/**
 * @typedef {object} ServiceOptions
 * @property {string} name       the app's directory name (job-state, worker, gateway, audit)
 * @property {string} script     path of its built main.js
 * @property {string} cwd
 * @property {Record<string, string | undefined>} env
 * @property {(line: string, stream: 'stdout' | 'stderr') => void} print  writes one prefixed line
 */

/** Makes a service stop once npm start is gone, even after a SIGKILL (see the file). */
const EXIT_WITH_PARENT = new URL('./exit-with-parent.mjs', import.meta.url);

export class Service {
  /** @param {ServiceOptions} options */
  constructor(options) {
    this.options = options;
    this.name = options.name;
    this.readyText = `crux-${options.name} ready`;
    /** @type {import('node:child_process').ChildProcess | undefined} */
    this.child = undefined;
    this.stopping = false;
    /** @type {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} */
    this.exited = Promise.resolve({ code: null, signal: null });
    /** @type {string[]} */
    this.recent = [];
  }

  /** Starts it and resolves once its ready line appears; rejects if it exits or stays silent for `timeoutMs`. */
  start(timeoutMs = 60_000) {
    const { script, cwd, env, print } = this.options;
    // Its own process group: on Ctrl-C npm start stops the services in order, each exactly once.
    // Its stdin is the pipe it watches to stop when npm start is gone.
    const child = spawn(process.execPath, ['--import', EXIT_WITH_PARENT.href, script], {
      cwd,
      env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    holdOpen(child);
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

    return new Promise((resolve, reject) => {
      let ready = false;
      const timer = setTimeout(() => {
        if (!ready)
          reject(new StartError(`${this.name} printed no '${this.readyText}' line within ${timeoutMs / 1000} s${this.lastLines()}`));
      }, timeoutMs);
      /** @param {'stdout' | 'stderr'} stream */
      const onLine = (stream) => (/** @type {string} */ line) => {
        this.recent.push(line);
        if (this.recent.length > 20) this.recent.shift();
        print(line, stream);
        if (!ready && line.includes(this.readyText)) {
          ready = true;
          clearTimeout(timer);
          resolve(undefined);
        }
      };
      for (const stream of /** @type {const} */ (['stdout', 'stderr'])) {
        const splitter = new LineSplitter(onLine(stream));
        child[stream]?.setEncoding('utf8');
        child[stream]?.on('data', (chunk) => splitter.push(chunk));
        child[stream]?.on('end', () => splitter.flush());
      }
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new StartError(`${this.name} could not be started: ${error.message}`));
      });
      this.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        if (!ready) reject(new StartError(`${this.name} exited (${describeExit(code, signal)}) before it was ready${this.lastLines()}`));
      });
    });
  }

  /** SIGTERM, then SIGKILL after `graceMs`: the services drain NATS and close Redis on SIGTERM. */
  async stop(graceMs = 15_000) {
    this.stopping = true;
    if (this.child) await stopChild(this.child, this.exited, graceMs);
  }

  /** SIGKILL at once, for when npm start itself is dying. */
  kill() {
    this.child?.kill('SIGKILL');
  }

  lastLines() {
    return this.recent.length
      ? `; its last lines:\n${this.recent
          .slice(-8)
          .map((line) => `  ${line}`)
          .join('\n')}`
      : '';
  }
}

/**
 * @param {number | null} code
 * @param {string | null} signal
 */
export function describeExit(code, signal) {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}
