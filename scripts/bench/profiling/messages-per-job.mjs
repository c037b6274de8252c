#!/usr/bin/env node
/**
 * `node scripts/bench/profiling/messages-per-job.mjs [jobs]`: how many NATS messages one job
 * costs, per connection as the server counts them (published: publishes, acks, pull requests;
 * received: deliveries, PubAcks), and the CPU of every process per job, over a burst of the
 * lifecycle benchmark's smallest job (default 2,000, after 300 unmeasured) on Crux alone.
 * Uses the built services (build first) and a nats-server with its monitoring port
 * (nats-server-monitored.sh). A tool for finding costs; `npm run bench` gives the figures.
 */
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startCrux } from '../lifecycle/crux-driver.mjs';
import { burstPhase, warmUp } from '../lifecycle/phases.mjs';

const jobs = Number(process.argv[2] ?? 2000);
if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`jobs must be a positive integer, got ${process.argv[2]}`);

/** @returns {Promise<number>} */
const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });

const monitorPort = await freePort();
process.env.NATS_SERVER_REAL_BIN = process.env.NATS_SERVER_BIN ?? 'nats-server';
process.env.NATS_SERVER_BIN = fileURLToPath(new URL('./nats-server-monitored.sh', import.meta.url));
process.env.NATS_MONITOR_PORT = String(monitorPort);

/** @returns {Promise<Array<{ cid: number, name?: string, in_msgs: number, out_msgs: number }>>} */
const connections = async () => (await (await fetch(`http://127.0.0.1:${monitorPort}/connz?limit=1000`)).json()).connections;

const crux = await startCrux({ concurrency: 4, inFlight: 64, services: { 'job-state': 1, audit: 1, worker: 1, gateway: 1 } });
try {
  const watched = [...crux.processes, { label: 'this script (client)', pids: () => [process.pid] }];
  await warmUp(crux, { count: 300, inFlight: 64, drainMs: 90_000 });
  await crux.quiesce(90_000);
  const before = new Map((await connections()).map((c) => [c.cid, c]));
  const load = loadavg()[0].toFixed(2);
  const burst = await burstPhase(crux, { count: jobs, inFlight: 64, drainMs: 90_000, watched });
  // Counted once the projection and the trail have caught up, so every job's messages are in.
  await crux.quiesce(90_000);
  const after = await connections();
  const per = (/** @type {number} */ n) => (n / jobs).toFixed(2);
  const cpuMs = burst.usage.reduce((sum, u) => sum + u.cpuS, 0);
  console.log(`${jobs} jobs, ${burst.throughput.toFixed(0)} completed jobs/s, 1-min load average ${load} at the start`);
  console.log(`CPU ms per job: ${per(cpuMs * 1000)} in all; ${burst.usage.map((u) => `${u.label} ${per(u.cpuS * 1000)}`).join(', ')}`);
  console.log('NATS messages per job, as the server counts them (the client also reads the stages back after the burst):');
  let published = 0;
  let received = 0;
  for (const c of after) {
    const b = before.get(c.cid) ?? { in_msgs: 0, out_msgs: 0 };
    const p = c.in_msgs - b.in_msgs;
    const r = c.out_msgs - b.out_msgs;
    published += p;
    received += r;
    if (p + r > 0) console.log(`  ${String(c.name ?? c.cid).padEnd(24)} published ${per(p).padStart(6)}  received ${per(r).padStart(6)}`);
  }
  console.log(`  ${'all connections'.padEnd(24)} published ${per(published).padStart(6)}  received ${per(received).padStart(6)}`);
} finally {
  await crux.close();
}
