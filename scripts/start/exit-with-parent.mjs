/**
 * Loaded into every service `npm start` runs (`node --import …/exit-with-parent.mjs main.js`):
 * the service stops when npm start is gone, however it went — even a SIGKILL, which leaves npm
 * start no chance to stop anything. Its stdin is a pipe from npm start that nothing writes to;
 * the pipe ends when npm start's process does (the kernel closes its end), like Linux's
 * PR_SET_PDEATHSIG. Then the service stops as on SIGTERM (drain NATS, close Redis), or exits
 * after GRACE_MS if that hangs.
 */
const GRACE_MS = 20_000;

// With npm start gone, nobody reads the output any more: a write must not crash the stop.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);

let stopping = false;
const parentGone = () => {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(1), GRACE_MS).unref();
  process.kill(process.pid, 'SIGTERM');
};
process.stdin.on('end', parentGone);
process.stdin.on('close', parentGone);
process.stdin.on('error', parentGone);
process.stdin.resume();
// Watching must not keep a service alive that would otherwise exit.
process.stdin.unref?.();
