/**
 * The `npm start` process: starts the system (main.mjs) and stops it on Ctrl-C, SIGTERM or
 * SIGHUP (the terminal closing), then exits with the system's code. What it started also ends
 * when this process is killed outright (SIGKILL): each service and server watches a pipe from
 * it (exit-with-parent.mjs, tether.mjs).
 */
import { StartError } from './errors.mjs';
import { startSystem } from './main.mjs';

/**
 * @param {{ root: string, env: Record<string, string | undefined> }} options
 * @returns {Promise<number>} the exit code
 */
export async function supervise({ root, env }) {
  // A closed terminal (SIGHUP) or a reader that went away must not crash the stop half-way.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);

  const aborter = new AbortController();
  /** @type {import('./main.mjs').System | undefined} */
  let system;
  let signalled = false;
  /** @param {NodeJS.Signals} signal */
  const onSignal = (signal) => {
    // npm forwards the terminal's Ctrl-C as well, so one press can arrive twice: act once.
    if (signalled) return;
    signalled = true;
    if (system) void system.stop(`${signal}: stopping the services, then the servers`);
    else aborter.abort();
  };
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) process.on(signal, onSignal);

  try {
    system = await startSystem({ root, env, stdout: process.stdout, stderr: process.stderr, signal: aborter.signal });
    return await system.done;
  } catch (error) {
    const message = error instanceof StartError ? error.message : error instanceof Error ? error.stack : String(error);
    process.stderr.write(`npm start: ${message}\n`);
    return aborter.signal.aborted ? 130 : 1;
  }
}
