import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ConsumerName, RedisKeys, StreamName, type JobEvent } from '@crux/contracts';
import { closeNats, connectNats, jetstream, jetstreamManager, publishEvent, type JetStreamManager, type NatsConnection } from '@crux/messaging';
import { ManagedProcess, startNats, startRedis, waitFor, type TestServer } from '@crux/test-harness';
import { Redis } from 'ioredis';
import { jobEvents } from './support/job-events.js';
import { TEST_TTLS } from './support/job-state-harness.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
/** Odd, so a job's events are not all delivered to one replica by a round-robin. */
const JOBS = 301;

/**
 * Two built job-state processes; the one running the projector is killed with SIGKILL in the
 * middle of a burst. The other takes the lease over, rewinds the consumer to what was acked,
 * and every job still ends in its last state, its events applied in stream order.
 */
describe('two job-state processes, the projecting one killed mid-burst', () => {
  let nats: TestServer;
  let redisServer: TestServer;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let redis: Redis;
  const processes: ManagedProcess[] = [];

  beforeAll(async () => {
    [nats, redisServer] = await Promise.all([startNats(), startRedis()]);
    const env = { ...process.env, NODE_OPTIONS: '', NATS_URL: nats.url, REDIS_URL: redisServer.url, ...TEST_TTLS };
    for (const label of ['job-state-1', 'job-state-2']) {
      const proc = new ManagedProcess(label, process.execPath, [MAIN], env);
      processes.push(proc);
      proc.start();
      await waitFor(() => proc.log().includes('crux-job-state ready'), { what: `${label} to be ready`, timeoutMs: 30_000 });
    }
    nc = await connectNats({ url: nats.url, name: 'replicas-kill-spec' });
    jsm = await jetstreamManager(nc);
    redis = new Redis(redisServer.url);
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await closeNats(nc);
    redis?.disconnect();
    await nats?.stop();
    await redisServer?.stop();
  });

  it('ends every job completed, in order, after the lease holder dies', async () => {
    const holder = await redis.get(RedisKeys.projectorLease);
    const leaderPid = Number(/-(\d+)-[0-9a-f]{8}$/.exec(holder ?? '')?.[1]);
    const leader = processes.find((p) => p.pid === leaderPid);
    expect(leader).toBeDefined();

    const js = jetstream(nc);
    const ids = Array.from({ length: JOBS }, () => randomUUID());
    const rounds: ((id: string) => JobEvent)[] = [
      (id) => jobEvents(id, 'kill').created(),
      (id) => jobEvents(id, 'kill').started(),
      (id) => jobEvents(id, 'kill').progress(0.5),
      (id) => jobEvents(id, 'kill').completed(),
    ];
    const publishRound = (round: (id: string) => JobEvent) => Promise.all(ids.map((id) => publishEvent(js, round(id))));
    const firstHalf = Promise.all(rounds.slice(0, 2).map(publishRound));
    // Killed while it holds delivered, unacked events of the burst.
    await waitFor(async () => (await jsm.consumers.info(StreamName.Jobs, ConsumerName.Projector)).ack_floor.stream_seq >= JOBS / 2, {
      what: 'the leader to be projecting the burst',
    });
    await leader?.kill('SIGKILL');
    await firstHalf;
    const acks = await Promise.all(rounds.slice(2).map(publishRound));
    const lastSeq = new Map(ids.map((id, i) => [id, acks[acks.length - 1][i].seq]));

    const survivor = processes.find((p) => p !== leader);
    await waitFor(async () => (await redis.get(RedisKeys.projectorLease))?.includes(`-${survivor?.pid}-`), {
      what: 'the other replica to take the projector lease',
      timeoutMs: 30_000,
    });
    const last = Math.max(...lastSeq.values());
    await waitFor(async () => (await jsm.consumers.info(StreamName.Jobs, ConsumerName.Projector)).ack_floor.stream_seq >= last, {
      what: `the projector to ack stream sequence ${last}`,
      timeoutMs: 30_000,
    });
    const jobs = await Promise.all(ids.map((id) => redis.hmget(RedisKeys.job(id), 'status', 'version', 'started_at')));
    const wrong = jobs.filter(([status, version, startedAt], i) => status !== 'completed' || Number(version) !== lastSeq.get(ids[i]) || !startedAt);
    expect(wrong).toEqual([]);
    expect(await redis.zcard(RedisKeys.byStatus('running'))).toBe(0);
  });
});
