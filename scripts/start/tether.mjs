#!/usr/bin/env node
/**
 * `node tether.mjs <server binary> [args…]`: runs a NATS or Redis server for `npm start` and
 * ends it when npm start ends, however it ends — even a SIGKILL, which leaves npm start no
 * chance to stop it. Its stdin is a pipe from npm start that nothing writes to; when that pipe
 * ends, npm start is gone. SIGTERM, SIGINT and SIGHUP reach the server as SIGTERM. Exits as
 * the server did.
 */
import { spawn } from 'node:child_process';

const GRACE_MS = 10_000;
const [command, ...args] = process.argv.slice(2);
if (!command) {
  process.stderr.write('usage: node tether.mjs <command> [args…]\n');
  process.exit(2);
}

const server = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
let ending = false;
const end = () => {
  if (ending) return;
  ending = true;
  server.kill('SIGTERM');
  setTimeout(() => server.kill('SIGKILL'), GRACE_MS).unref();
};
for (const signal of /** @type {const} */ (['SIGTERM', 'SIGINT', 'SIGHUP'])) process.on(signal, end);
process.stdin.on('end', end);
process.stdin.on('close', end);
process.stdin.on('error', end);
process.stdin.resume();
process.stdin.unref?.();

server.once('error', (error) => {
  process.stderr.write(`tether: could not start ${command}: ${error.message}\n`);
  process.exit(127);
});
server.once('exit', (code, signal) => {
  process.exit(code ?? (signal === 'SIGTERM' || signal === 'SIGINT' ? 0 : 1));
});
