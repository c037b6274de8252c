#!/usr/bin/env node
// `npm start`: the whole Crux system on this machine (see scripts/start/main.mjs).
// Ctrl-C or SIGTERM stops the services, then the NATS and Redis servers it started.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StartError } from './start/errors.mjs';
import { startSystem } from './start/main.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const aborter = new AbortController();
/** @type {import('./start/main.mjs').System | undefined} */
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
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

try {
  system = await startSystem({ root, env: process.env, stdout: process.stdout, stderr: process.stderr, signal: aborter.signal });
  process.exitCode = await system.done;
} catch (error) {
  const message = error instanceof StartError ? error.message : error instanceof Error ? error.stack : String(error);
  process.stderr.write(`npm start: ${message}\n`);
  process.exitCode = aborter.signal.aborted ? 130 : 1;
}
