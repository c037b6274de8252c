/**
 * The Crux system under test: the built services as real processes on private NATS and
 * Redis servers (CruxSystem from @crux/test-harness, read from libs/test-harness/dist), and
 * what the benchmarks need around it: the request a user sends, the processes to watch,
 * and the projection backlog.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AUDIT_ACTIONS, auditConsumerName, ConsumerName, StreamName } from '@crux/contracts';
import { CruxSystem, TEST_KEYS } from '@crux/test-harness';
import { childrenOf } from './proc.mjs';

export { CruxSystem };

/** The key every benchmark submits with: a plain submitter, as most clients are. */
export const SUBMITTER = TEST_KEYS.alice;
export const AUTH_HEADERS = { authorization: `Bearer ${SUBMITTER.secret}` };
export const SOLVE_PATH = '/api/v1/solve/basic';
/** One iteration of the simulated provider: the smallest real job. */
export const SOLVE_BODY = JSON.stringify({ question: 'What is the sum of the first 100 positive integers?', n_iters: 1 });

/**
 * The gateway's per-API-key rate limit (CRUX_RATE_LIMIT_PER_S, default 50/s) protects the API
 * from one runaway client; a benchmark is one client offering thousands of requests a second
 * on purpose, so its systems raise the limit out of the way. The limiter still runs on every
 * request; it just never says no.
 */
export const BENCH_RATE_LIMIT = { CRUX_RATE_LIMIT_PER_S: '1000000', CRUX_RATE_LIMIT_BURST: '1000000' };

/**
 * Environment for every process a benchmark starts (services and baselines alike): the rate
 * limit raised (BENCH_RATE_LIMIT; `env` may set it back), and with BENCH_PROFILE_DIR set,
 * each process writes a CPU profile there (see profiling/preload.mjs).
 * @param {Record<string, string>} env
 * @returns {Record<string, string>}
 */
export function processEnv(env) {
  const dir = process.env.BENCH_PROFILE_DIR;
  if (!dir) return { ...BENCH_RATE_LIMIT, ...env, NODE_OPTIONS: '' };
  mkdirSync(dir, { recursive: true });
  return {
    ...BENCH_RATE_LIMIT,
    ...env,
    BENCH_PROFILE_DIR: resolve(dir),
    NODE_OPTIONS: `--import ${pathToFileURL(fileURLToPath(new URL('../profiling/preload.mjs', import.meta.url))).href}`,
  };
}

/**
 * @param {import('./proc.mjs').Watched[]} extra
 * @param {CruxSystem} system
 * @returns {import('./proc.mjs').Watched[]}
 */
export function cruxProcesses(system, extra = []) {
  /** @type {import('./proc.mjs').Watched[]} */
  const watched = [];
  for (const [label, proc] of system.processes) {
    watched.push({ label, pids: () => (proc.pid ? [proc.pid] : []) });
    // The pool's children run the solves: their CPU and memory are the worker's too.
    if (label.startsWith('worker-')) watched.push({ label: `${label} pool children`, pids: () => (proc.pid ? childrenOf(proc.pid) : []) });
  }
  watched.push({ label: 'nats-server', pids: () => (system.nats.process.pid ? [system.nats.process.pid] : []) });
  watched.push({ label: 'redis-server', pids: () => (system.redis.process.pid ? [system.redis.process.pid] : []) });
  return [...watched, ...extra];
}

/**
 * Messages a JOBS consumer has not yet processed (not delivered + delivered, unacknowledged);
 * null when the consumer does not exist.
 * @param {import('@crux/messaging').JetStreamManager} jsm
 * @param {string} consumer
 */
export async function backlog(jsm, consumer) {
  try {
    const info = await jsm.consumers.info(StreamName.Jobs, consumer);
    return info.num_pending + info.num_ack_pending;
  } catch {
    return null;
  }
}

/**
 * What the audit service has not acked, over its consumers (one per recorded event type);
 * null when it has none.
 * @param {import('@crux/messaging').JetStreamManager} jsm
 */
export async function auditBacklog(jsm) {
  const each = await Promise.all(AUDIT_ACTIONS.map((action) => backlog(jsm, auditConsumerName(action))));
  return each.includes(null) ? null : each.reduce((sum, n) => sum + (n ?? 0), 0);
}

/**
 * Waits (bounded) until job-state has projected every event in JOBS, so one measured run's
 * projection work does not spill into the next. Returns the backlog left (0 when caught up).
 * @param {import('@crux/messaging').JetStreamManager} jsm
 * @param {number} timeoutMs
 */
export async function waitForProjection(jsm, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const left = (await backlog(jsm, ConsumerName.Projector)) ?? 0;
    if (left === 0 || performance.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
