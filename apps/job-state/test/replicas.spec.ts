import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { loadSettings, RedisKeys, StreamName, Subjects, type JobEventType, type Settings } from '@crux/contracts';
import { jetstream, publishEvent, type JetStreamManager } from '@crux/messaging';
import { waitFor } from '@crux/test-harness';
import { DeletionDetector } from '../src/expiry/deletion-detector.js';
import { JobStateModule } from '../src/job-state.module.js';
import { jobEvents } from './support/job-events.js';
import { TEST_TTLS } from './support/job-state-harness.js';
import { LifecycleBurst, startSharedServers, type SharedServers } from './support/replica-burst.js';

/** Odd, so a job's events do not all fall to the same replica of a round-robin delivery. */
const JOBS = 401;

/**
 * Two job-state replicas on one NATS and one Redis. They share the durable projector
 * consumer; if both applied events at once, replica B could apply a job's `completed` before
 * replica A applied its `started` (rejected from pending, acked), and the job would stay
 * `running` forever. Only the replica holding the projector lease may apply.
 */
describe('two job-state replicas', () => {
  let servers: SharedServers;
  let settings: Settings;
  const replicas: INestApplicationContext[] = [];

  const startReplica = async () => {
    const app = await NestFactory.createApplicationContext(JobStateModule.forRoot(settings), {
      logger: process.env.CRUX_TEST_VERBOSE ? ['error', 'warn', 'log'] : false,
    });
    replicas.push(app);
    return app;
  };

  beforeAll(async () => {
    servers = await startSharedServers('replicas-spec');
    settings = loadSettings({
      NATS_URL: servers.nats.url,
      REDIS_URL: servers.redisServer.url,
      CRUX_ARCHIVE_RETENTION_S: '3600',
      ...TEST_TTLS,
      // Cancelled jobs expire, and unconfirmed revokes are recorded, within the test.
      CRUX_TTL_CANCELLED_S: '1',
      CRUX_REVOKE_CONFIRM_MS: '300',
    });
    await startReplica();
    await startReplica();
  });

  afterAll(async () => {
    await Promise.all(replicas.map((app) => app.close()));
    await servers?.close();
  });

  it('brings every job of an interleaved burst to its last event, each applied in order', async () => {
    const burst = new LifecycleBurst(JOBS, 'replicas');
    // Published without waiting: both replicas are busy at once.
    await burst.publish(servers.nc);
    await servers.projected(burst.lastSequence);
    expect(await burst.wronglyEnded(servers.redis)).toEqual([]);
    expect(await servers.redis.zcard(RedisKeys.byStatus('running'))).toBe(0);
  });

  it('records each expiry, outside deletion and unconfirmed revoke once, though both replicas watch for them', async () => {
    const { nc, jsm, redis } = servers;
    const js = jetstream(nc);
    const ids = (n: number) => Array.from({ length: n }, () => randomUUID());
    const [expiring, removed, runaway] = [ids(60), ids(60), ids(30)];
    const acks = await Promise.all(
      [
        // Cancelled while pending: expire after CRUX_TTL_CANCELLED_S.
        ...expiring.flatMap((id) => [jobEvents(id).created(), jobEvents(id).cancel()]),
        // Completed, then removed with DEL below.
        ...removed.flatMap((id) => [jobEvents(id).created(), jobEvents(id).completed()]),
        // Cancelled while running and never revoked: revoke_unconfirmed after CRUX_REVOKE_CONFIRM_MS.
        ...runaway.flatMap((id) => [jobEvents(id).created(), jobEvents(id).started(), jobEvents(id).cancel()]),
      ].map((event) => publishEvent(js, event)),
    );
    await servers.projected(Math.max(...acks.map((a) => a.seq)));
    const detectors = replicas.map((app) => app.get(DeletionDetector));
    const seen = () => detectors.map((d) => d.stats.vanished + d.stats.alreadyRecorded);
    const seenBefore = seen();
    await redis.del(...removed.map((id) => RedisKeys.job(id)));

    const allGone = async (list: string[]) => (await Promise.all(list.map((id) => redis.exists(RedisKeys.job(id))))).every((n) => n === 0);
    const unindexed = async (list: string[]) =>
      (await Promise.all(list.map((id) => redis.zscore(RedisKeys.byCreated, id)))).every((s) => s === null);
    await waitFor(async () => (await allGone(expiring)) && (await unindexed(expiring)), { what: 'the cancelled jobs to expire' });
    // Both replicas handled every DEL: each published the deletion or found it already recorded.
    await waitFor(() => seen().every((n, i) => n - seenBefore[i] >= removed.length), { what: 'both replicas to handle every DEL' });
    await waitFor(async () => (await unindexed(removed)) && (await redis.zcard(RedisKeys.revokePending)) === 0, {
      what: 'the removed jobs to be unindexed and every revoke wait recorded',
    });

    const deletions = await countEvents(jsm, 'deleted', [...expiring, ...removed]);
    expect([...deletions.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    const unconfirmed = await countEvents(jsm, 'revoke_unconfirmed', runaway);
    expect([...unconfirmed.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  });
});

/** How many stored events of `type` each of `ids` has. */
async function countEvents(jsm: JetStreamManager, type: JobEventType, ids: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map(ids.map((id) => [id, 0]));
  for (let seq = 1; ;) {
    const msg = await jsm.direct.getMessage(StreamName.Jobs, { seq, next_by_subj: Subjects.eventsOfType(type) });
    if (!msg) return counts;
    const id = msg.subject.split('.').pop() ?? '';
    if (counts.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
    seq = msg.seq + 1;
  }
}
