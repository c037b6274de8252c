import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { ConsumerName, RedisKeys, StreamName } from '@crux/contracts';
import { ManagedProcess, waitFor } from '@crux/test-harness';
import { TEST_TTLS } from './support/job-state-harness.js';
import { LifecycleBurst, startSharedServers, type SharedServers } from './support/replica-burst.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
/** Odd, so a job's events are not all delivered to one replica by a round-robin. */
const JOBS = 301;

/**
 * Two built job-state processes; the one running the projector is killed with SIGKILL in the
 * middle of a burst. The other takes the lease over, rewinds the consumer to what was acked,
 * and every job still ends in its last state, its events applied in stream order.
 */
describe('two job-state processes, the projecting one killed mid-burst', () => {
  let servers: SharedServers;
  const processes: ManagedProcess[] = [];

  beforeAll(async () => {
    servers = await startSharedServers('replicas-kill-spec');
    const env = { ...process.env, NODE_OPTIONS: '', NATS_URL: servers.nats.url, REDIS_URL: servers.redisServer.url, ...TEST_TTLS };
    for (const label of ['job-state-1', 'job-state-2']) {
      const proc = new ManagedProcess(label, process.execPath, [MAIN], env);
      processes.push(proc);
      proc.start();
      await waitFor(() => proc.log().includes('crux-job-state ready'), { what: `${label} to be ready`, timeoutMs: 30_000 });
    }
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await servers?.close();
  });

  it('ends every job completed, in order, after the lease holder dies', async () => {
    const { nc, jsm, redis } = servers;
    const holder = await redis.get(RedisKeys.projectorLease);
    const leaderPid = Number(/-(\d+)-[0-9a-f]{8}$/.exec(holder ?? '')?.[1]);
    const leader = processes.find((p) => p.pid === leaderPid);
    expect(leader).toBeDefined();

    const burst = new LifecycleBurst(JOBS, 'kill');
    const firstHalf = burst.publish(nc, 0, 2);
    // Killed while it holds delivered, unacked events of the burst.
    await waitFor(async () => (await jsm.consumers.info(StreamName.Jobs, ConsumerName.Projector)).ack_floor.stream_seq >= JOBS / 2, {
      what: 'the leader to be projecting the burst',
    });
    await leader?.kill('SIGKILL');
    await firstHalf;
    await burst.publish(nc, 2);

    const survivor = processes.find((p) => p !== leader);
    await waitFor(async () => (await redis.get(RedisKeys.projectorLease))?.includes(`-${survivor?.pid}-`), {
      what: 'the other replica to take the projector lease',
      timeoutMs: 30_000,
    });
    await servers.projected(burst.lastSequence);
    expect(await burst.wronglyEnded(redis)).toEqual([]);
    expect(await redis.zcard(RedisKeys.byStatus('running'))).toBe(0);
  });
});
