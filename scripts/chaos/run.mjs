/**
 * npm run chaos: Crux on a 3-node NATS JetStream cluster (R3 streams) with Redis and two
 * replicas of every service, under a steady load of submits, cancels and purges. One at a
 * time it kills with SIGKILL a worker, the job-state replica holding the projector lease, an
 * audit replica, a gateway and the NATS node leading JOBS, restarting each; freezes both
 * job-state replicas (SIGSTOP) for longer than a job's attempts would last if waiting used
 * them up, then thaws them (SIGCONT); then wipes Redis (FLUSHALL) and has job-state rebuild
 * the live state from JOBS. It prints what was lost, duplicated or left stuck, and the jobs
 * that failed without ever having started (goal: 0 of each; the counts are defined in
 * lib/report.mjs and RELIABILITY.md) and how long the system took to complete a new job after
 * each fault. Exits 1 when any of them is not 0. A figures run, not a test; loopback only, bounded
 * in jobs and time (about 3–4 minutes here). Uses the built services (npm run build).
 */
import { StreamName } from '@crux/contracts';
import { closeNats, connectNats, jetstreamManager } from '@crux/messaging';
import { CruxSystem } from '@crux/test-harness';
import { Redis } from 'ioredis';
import { call, KEYS, probe } from './lib/client.mjs';
import { Load } from './lib/load.mjs';
import { describeDuplicates } from './lib/duplicates.mjs';
import { measure, table } from './lib/report.mjs';

const MAX_SUBMITS = 1000;
/** Steady load between two faults. */
const BETWEEN_FAULTS_MS = 4_000;
/**
 * How long job-state stays frozen: longer than CRUX_MAX_ATTEMPTS (3) × (CRUX_REQUEST_TIMEOUT_MS
 * 5 s + the worker's 2 s redelivery delay), what a job's attempts lasted when every unanswered
 * question to job-state used one up.
 */
const FREEZE_MS = 25_000;
/** How long the automatic rebuild gets to show up before the operator endpoint is called. */
const AUTOMATIC_REBUILD_MS = 20_000;

const log = (line) => console.log(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Which job-state replica holds the projector lease (its pid is in the holder id). */
async function projectorLeader(system, redis) {
  const holder = (await redis.get('job-state:projector:lease')) ?? '';
  const pid = Number(/-(\d+)-[0-9a-f]{8}$/.exec(holder)?.[1]);
  for (const [label, proc] of system.processes) if (label.startsWith('job-state-') && proc.pid === pid) return label;
  return 'job-state-1';
}

async function jobsLeaderNode(system) {
  const nc = await connectNats({ url: system.natsUrl, name: 'chaos-inspect' });
  try {
    const leader = (await (await jetstreamManager(nc)).streams.info(StreamName.Jobs)).cluster?.leader ?? 'n1';
    return Number(leader.slice(1)) - 1;
  } finally {
    await closeNats(nc);
  }
}

/** kill -9, measure until a new probe job completes, then restart. */
async function fault(name, kill, restart) {
  const t0 = Date.now();
  await kill();
  log(`killed ${name}; probing`);
  const recoveryMs = await probe(system, t0);
  await restart();
  const restartMs = Date.now() - t0;
  log(`${name}: probe completed after ${recoveryMs === null ? 'never' : `${recoveryMs} ms`}; restarted after ${restartMs} ms`);
  return { fault: name, recoveryMs, restartMs };
}

/** SIGSTOP, wait, SIGCONT; measure until a new probe job completes. */
async function freeze(labels, ms) {
  const t0 = Date.now();
  for (const label of labels) system.service(label).signal('SIGSTOP');
  log(`froze ${labels.join(' and ')} (SIGSTOP) for ${ms} ms`);
  try {
    await sleep(ms);
  } finally {
    for (const label of labels) system.service(label).signal('SIGCONT');
  }
  const thawMs = Date.now() - t0;
  const recoveryMs = await probe(system, t0);
  log(`thawed (SIGCONT); probe completed after ${recoveryMs === null ? 'never' : `${recoveryMs} ms`}`);
  return { fault: `${labels.join(' and ')} frozen (SIGSTOP ${ms / 1000} s, then SIGCONT)`, recoveryMs, restartMs: thawMs };
}

/** Redis loses everything; job-state rebuilds from JOBS (automatically, or when an operator asks). */
async function wipeRedis(redis) {
  const t0 = Date.now();
  await redis.flushall();
  log('FLUSHALL done; waiting for job-state to rebuild');
  const since = new Date(t0).toISOString();
  const finished = async () => {
    const status = await call(system, '/api/v1/admin/rebuild-state', { key: KEYS.ops, patienceMs: 5_000 });
    const p = status?.status === 200 ? status.body : null;
    return p && p.started_at >= since && p.status !== 'running' ? p : null;
  };
  let path = 'automatic';
  let progress = null;
  for (const deadline = Date.now() + AUTOMATIC_REBUILD_MS; !progress && Date.now() < deadline; await sleep(250))
    progress = await finished();
  if (!progress) {
    path = 'operator (POST /api/v1/admin/rebuild-state)';
    log('no automatic rebuild seen; asking for one as operator');
    await call(system, '/api/v1/admin/rebuild-state', { key: KEYS.ops, method: 'POST', body: { reason: 'chaos: Redis wiped' } });
    for (const deadline = Date.now() + 60_000; !progress && Date.now() < deadline; await sleep(250)) progress = await finished();
  }
  const recoveryMs = await probe(system, t0);
  const summary = progress
    ? `${path}; trigger ${progress.trigger}, ${progress.status}: ${progress.events_read} events read, ${progress.jobs_restored} jobs restored, ${progress.jobs_deleted} deletions re-applied`
    : `${path}; no finished rebuild seen`;
  log(`rebuild: ${summary}`);
  return {
    recovery: { fault: 'Redis FLUSHALL → rebuild from JOBS', recoveryMs, restartMs: Date.now() - t0 },
    summary,
    ok: progress?.status === 'completed',
  };
}

const started = Date.now();
log('starting a 3-node NATS cluster, Redis, and two replicas of every service');
const system = await CruxSystem.start({
  natsCluster: 3,
  services: { 'job-state': 2, audit: 2, worker: 2, gateway: 2 },
  env: {
    CRUX_SIMULATED_LATENCY_MS: '5',
    CRUX_WORKER_CONCURRENCY: '2',
    // A killed worker's job goes to the other worker after this long.
    CRUX_ACK_WAIT_MS: '5000',
    CRUX_RATE_LIMIT_PER_S: '1000000',
    CRUX_RATE_LIMIT_BURST: '1000000',
  },
});
const redis = new Redis(system.redis.url);
let exitCode = 1;
try {
  log(`up in ${((Date.now() - started) / 1000).toFixed(1)} s; load starts`);
  const load = new Load(system, MAX_SUBMITS);
  load.start();
  await sleep(BETWEEN_FAULTS_MS);
  const recoveries = [];
  const restartService = (label) => () => system.restartService(label);
  recoveries.push(await fault('worker-1', () => system.service('worker-1').kill('SIGKILL'), restartService('worker-1')));
  await sleep(BETWEEN_FAULTS_MS);
  const jobState = await projectorLeader(system, redis);
  recoveries.push(
    await fault(`${jobState} (projector lease holder)`, () => system.service(jobState).kill('SIGKILL'), restartService(jobState)),
  );
  await sleep(BETWEEN_FAULTS_MS);
  recoveries.push(await fault('audit-1', () => system.service('audit-1').kill('SIGKILL'), restartService('audit-1')));
  await sleep(BETWEEN_FAULTS_MS);
  recoveries.push(await fault('gateway-1', () => system.service('gateway-1').kill('SIGKILL'), restartService('gateway-1')));
  await sleep(BETWEEN_FAULTS_MS);
  recoveries.push(await freeze(['job-state-1', 'job-state-2'], FREEZE_MS));
  await sleep(BETWEEN_FAULTS_MS);
  const node = await jobsLeaderNode(system);
  const cluster = system.natsCluster;
  recoveries.push(
    await fault(
      `NATS node n${node + 1} (JOBS leader)`,
      () => cluster.nodes[node].crash(),
      async () => {
        await cluster.nodes[node].restart();
        await cluster.ready();
      },
    ),
  );
  await sleep(BETWEEN_FAULTS_MS);
  const wipe = await wipeRedis(redis);
  recoveries.push(wipe.recovery);
  await sleep(BETWEEN_FAULTS_MS);
  await load.stop();
  log(`load stopped after ${load.attempted} submits; draining and checking every job`);

  const result = await measure(system, load);
  console.log('');
  console.log(table(result, recoveries, wipe.summary));
  console.log('');
  if (result.lostJobs.length) console.log(`lost jobs: ${result.lostJobs.join(', ')}`);
  if (result.duplicatedTerminal.length) console.log(`jobs with more than one terminal event: ${result.duplicatedTerminal.join(', ')}`);
  if (result.duplicatedRecords.length) console.log(`jobs with a repeated trail record: ${result.duplicatedRecords.join(', ')}`);
  if (result.stuckIds.length) console.log(`stuck jobs: ${result.stuckIds.join(', ')}`);
  if (result.failedNeverRan.length) console.log(`jobs failed that never ran: ${result.failedNeverRan.join(', ')}`);
  const duplicates = await describeDuplicates(system, result, result.trail, load).catch(
    (error) => `could not describe the duplicates: ${error.stack ?? error}`,
  );
  if (duplicates) console.log(`\n${duplicates}\n`);
  log(`whole run ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const bad =
    result.lost !== 0 || result.duplicated !== 0 || result.stuck !== 0 || result.failedNeverRan.length !== 0 || result.verify?.ok !== true;
  exitCode = bad ? 1 : 0;
  if (bad) console.log('FAILED: lost, duplicated, stuck and failed-never-ran must all be 0 and the trail must verify');
} catch (error) {
  console.error(error);
  console.error(system.logs().slice(-20_000));
} finally {
  redis.disconnect();
  await system.stop();
}
process.exit(exitCode);
