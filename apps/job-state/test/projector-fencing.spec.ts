import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { ConsumerName, loadSettings, RebuildTrigger, RedisKeys, StreamName, type JobEvent, type Settings } from '@crux/contracts';
import {
  closeNats,
  connectNats,
  jetstream,
  jetstreamManager,
  publishEvent,
  type JetStreamManager,
  type NatsConnection,
} from '@crux/messaging';
import { startNats, startRedis, waitFor, type TestServer } from '@crux/test-harness';
import { Redis } from 'ioredis';
import { JobStateModule } from '../src/job-state.module.js';
import { ProjectorLeadership } from '../src/leadership/projector-leadership.js';
import { Projector } from '../src/projector/projector.service.js';
import { planUpdate } from '../src/domain/index.js';
import { ApplyCode } from '../src/redis/apply-code.js';
import { connectRedis } from '../src/redis/connect-redis.js';
import { JobWriter, ProjectorFencedError } from '../src/redis/job-writer.js';
import { StateRebuilder } from '../src/rebuild/state-rebuilder.js';
import { Logger } from '@nestjs/common';
import { jobEvents } from './support/job-events.js';
import { TEST_TTLS } from './support/job-state-harness.js';

const JOBS = 40;

/**
 * The projector's fence: a leader that froze past its lease while another replica took over
 * must not land the batch it was about to write. The freeze is simulated deterministically
 * inside the leader's own write path: its JobWriter is wrapped so that, for one batch, the
 * takeover happens after the batch was planned and before its EXEC reaches Redis (where a
 * GC pause or SIGSTOP would put it).
 */
describe('the projector fenced by its epoch', () => {
  let nats: TestServer;
  let redisServer: TestServer;
  let settings: Settings;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let redis: Redis;
  const apps: INestApplicationContext[] = [];

  const startReplica = async () => {
    const app = await NestFactory.createApplicationContext(JobStateModule.forRoot(settings), {
      logger: process.env.CRUX_TEST_VERBOSE ? ['error', 'warn', 'log'] : false,
    });
    apps.push(app);
    return app;
  };
  const stopReplicas = async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  };

  beforeAll(async () => {
    [nats, redisServer] = await Promise.all([startNats(), startRedis()]);
    settings = loadSettings({ NATS_URL: nats.url, REDIS_URL: redisServer.url, CRUX_ARCHIVE_RETENTION_S: '3600', ...TEST_TTLS });
    nc = await connectNats({ url: nats.url, name: 'projector-fencing-spec' });
    jsm = await jetstreamManager(nc);
    redis = new Redis(redisServer.url);
  });

  afterAll(async () => {
    await stopReplicas();
    await closeNats(nc);
    redis?.disconnect();
    await nats?.stop();
    await redisServer?.stop();
  });

  const ackFloor = async () => (await jsm.consumers.info(StreamName.Jobs, ConsumerName.Projector)).ack_floor.stream_seq;
  const projected = (seq: number) =>
    waitFor(async () => (await ackFloor()) >= seq, { what: `the projector to ack stream sequence ${seq}`, timeoutMs: 30_000 });
  const publishRound = (ids: string[], round: (id: string) => JobEvent) =>
    Promise.all(ids.map((id) => publishEvent(jetstream(nc), round(id))));
  const fencedRefusals = async () => Number(/errorstat_FENCED:count=(\d+)/.exec(await redis.info('errorstats'))?.[1] ?? 0);
  const jobsState = (ids: string[]) => Promise.all(ids.map((id) => redis.hmget(RedisKeys.job(id), 'status', 'version', 'started_at')));

  /**
   * Wraps the replica's writer: the next batch the projector writes runs `takeover` first, as
   * if the replica froze between planning that batch and its EXEC. Resolves once that batch
   * has been answered (or refused).
   */
  function freezeNextBatch(app: INestApplicationContext, takeover: () => Promise<void>): Promise<{ refused: boolean }> {
    const writer = app.get(JobWriter);
    const original = writer.applyBatch.bind(writer);
    return new Promise((resolve) => {
      writer.applyBatch = async (plans, fence) => {
        if (!fence) return original(plans, fence);
        writer.applyBatch = original;
        await takeover();
        try {
          const outcomes = await original(plans, fence);
          resolve({ refused: false });
          return outcomes;
        } catch (error) {
          resolve({ refused: true });
          throw error;
        }
      };
    });
  }

  it('refuses a fenced batch under another epoch, whole, and lets one through under its own or a lost (flushed) epoch', async () => {
    const scripted = await connectRedis({ url: redisServer.url, name: 'fence-direct', logger: new Logger('fence-direct') });
    try {
      const writer = new JobWriter(scripted, settings);
      const ids = [randomUUID(), randomUUID()];
      const plans = ids.map((id, i) => planUpdate(jobEvents(id, 'direct').created(), 1_000_000 + i, settings));
      await redis.set(RedisKeys.projectorEpoch, '9:replica-b:0badf00d');

      await expect(writer.applyBatch(plans, { epoch: '8:replica-a:1a2b3c4d' })).rejects.toThrow(ProjectorFencedError);
      expect(await redis.exists(...ids.map((id) => RedisKeys.job(id)))).toBe(0);

      const ours = await writer.applyBatch(plans.slice(0, 1), { epoch: '9:replica-b:0badf00d' });
      expect(ours).toEqual([{ ok: true, code: ApplyCode.Applied, previous: null }]);

      await redis.del(RedisKeys.projectorEpoch);
      const flushed = await writer.applyBatch(plans.slice(1), { epoch: '8:replica-a:1a2b3c4d' });
      expect(flushed).toEqual([{ ok: true, code: ApplyCode.Applied, previous: null }]);
      expect(await redis.exists(...ids.map((id) => RedisKeys.job(id)))).toBe(2);
    } finally {
      scripted.disconnect();
    }
  });

  it('writes and acks nothing once its epoch is taken over, stands by, and projects everything in order when it leads again', async () => {
    const app = await startReplica();
    const leadership = app.get(ProjectorLeadership);
    const projector = app.get(Projector);
    await waitFor(() => leadership.held && projector.running, { what: 'the replica to lead' });
    const epochBefore = await redis.get(RedisKeys.projectorEpoch);
    expect(epochBefore).toBe(leadership.epoch);

    const ids = Array.from({ length: JOBS }, () => randomUUID());
    const created = await publishRound(ids, (id) => jobEvents(id, 'fence').created());
    const createdUpTo = Math.max(...created.map((a) => a.seq));
    await projected(createdUpTo);
    const applied = { ...projector.stats };
    const refusalsBefore = await fencedRefusals();

    // Another replica "takes over" while this one is frozen: a new holder and a new epoch.
    const thief = `replica-b-${randomUUID().slice(0, 8)}`;
    const frozen = freezeNextBatch(app, async () => {
      const n = Number(/^(\d+):/.exec(epochBefore ?? '')?.[1] ?? 0);
      await redis.set(RedisKeys.projectorLease, thief, 'PX', 600_000);
      await redis.set(RedisKeys.projectorEpoch, `${n + 1}:${thief}:0badf00d`);
    });
    const started = await publishRound(ids, (id) => jobEvents(id, 'fence').started());
    const completed = await publishRound(ids, (id) => jobEvents(id, 'fence').completed());
    const lastSeq = new Map(ids.map((id, i) => [id, completed[i].seq]));

    expect(await frozen).toEqual({ refused: true });
    await waitFor(() => !leadership.held && !projector.running, { what: 'the fenced replica to stop projecting and stand by' });
    expect(await fencedRefusals()).toBeGreaterThan(refusalsBefore);
    expect(projector.stats.fenced).toBe(applied.fenced + 1);
    // Nothing of the refused batch, nor of what followed it, was written or acked.
    const jobs = await jobsState(ids);
    expect(jobs.filter(([status, version], i) => status !== 'pending' || Number(version) !== created[i].seq)).toEqual([]);
    expect(await ackFloor()).toBe(createdUpTo);
    expect(projector.stats.applied + projector.stats.stale + projector.stats.ignored).toBe(
      applied.applied + applied.stale + applied.ignored,
    );
    // Still a standby while the other holds the lease: it campaigns, it does not project.
    await waitFor(async () => (await redis.pttl(RedisKeys.projectorLease)) < 600_000 - 1_500, { what: 'a campaign or two to pass' });
    expect(leadership.held).toBe(false);
    expect(await redis.get(RedisKeys.projectorLease)).toBe(thief);

    // The other "dies" without releasing: the lease is gone, so this replica takes over in a new term.
    await redis.del(RedisKeys.projectorLease);
    await waitFor(() => leadership.held && projector.running, { what: 'the replica to lead again' });
    const epochAfter = await redis.get(RedisKeys.projectorEpoch);
    expect(epochAfter).toBe(leadership.epoch);
    expect(epochAfter).not.toBe(epochBefore);
    expect(epochAfter?.startsWith(`${Number(/^(\d+):/.exec(epochBefore ?? '')?.[1]) + 2}:${leadership.holderId}:`)).toBe(true);

    await projected(Math.max(...lastSeq.values()));
    const after = await jobsState(ids);
    const wrong = after.filter(
      ([status, version, startedAt], i) => status !== 'completed' || Number(version) !== lastSeq.get(ids[i]) || !startedAt,
    );
    expect(wrong).toEqual([]);
    expect(started.length).toBe(JOBS);
    await stopReplicas();
  });

  it('stops a rebuild whose replica lost the projector lease mid-way: nothing written after the takeover', async () => {
    const app = await startReplica();
    const leadership = app.get(ProjectorLeadership);
    await waitFor(() => leadership.held && app.get(Projector).running, { what: 'the replica to lead' });
    const ids = Array.from({ length: JOBS }, () => randomUUID());
    const acks = await publishRound(ids, (id) => jobEvents(id, 'fence-rebuild').created());
    await projected(Math.max(...acks.map((a) => a.seq)));
    // Redis loses the jobs but keeps the sentinel (nothing automatic); the epoch is back once the leader renews.
    await redis.multi().flushall().hset(RedisKeys.projection, { epoch: 'kept' }).exec();
    await waitFor(async () => (await redis.get(RedisKeys.projectorEpoch)) === leadership.epoch, { what: 'the leader to renew its epoch' });

    const thief = `replica-b-${randomUUID().slice(0, 8)}`;
    const frozen = freezeNextBatch(app, async () => {
      await redis.set(RedisKeys.projectorLease, thief, 'PX', 600_000);
      await redis.set(RedisKeys.projectorEpoch, `99:${thief}:0badf00d`);
    });
    const progress = await app
      .get(StateRebuilder)
      .rebuild({ trigger: RebuildTrigger.Operator, actor: { kind: 'user', id: 'olga' }, reason: 'spec' });
    expect(await frozen).toEqual({ refused: true });
    expect(progress).toMatchObject({ status: 'failed', error: expect.stringContaining('FENCED') });
    expect(await redis.exists(...ids.map((id) => RedisKeys.job(id)))).toBe(0);
    await waitFor(() => !leadership.held, { what: 'the replica to stand by' });
    await redis.del(RedisKeys.projectorLease);
    await stopReplicas();
  });

  it("with two replicas: the frozen leader's late batch is refused after the standby took over, and every job ends right", async () => {
    const a = await startReplica();
    const b = await startReplica();
    const [leaderA, leaderB] = [a.get(ProjectorLeadership), b.get(ProjectorLeadership)];
    await waitFor(() => leaderA.held !== leaderB.held, { what: 'one of the two replicas to lead' });
    const [frozenApp, frozenLead, otherLead] = leaderA.held ? [a, leaderA, leaderB] : [b, leaderB, leaderA];
    const frozenProjector = frozenApp.get(Projector);

    const ids = Array.from({ length: JOBS }, () => randomUUID());
    const created = await publishRound(ids, (id) => jobEvents(id, 'fence-2').created());
    await projected(Math.max(...created.map((a) => a.seq)));
    const counted = () => frozenProjector.stats.applied + frozenProjector.stats.stale + frozenProjector.stats.ignored;
    const countedBefore = counted();
    const refusalsBefore = await fencedRefusals();

    let lastSeq = new Map<string, number>();
    const frozen = freezeNextBatch(frozenApp, async () => {
      // The frozen leader's lease runs out and the standby takes it (handed over here so that
      // the standby, not the frozen one's own campaign, wins); it rewinds and projects it all.
      await redis.set(RedisKeys.projectorLease, otherLead.holderId, 'PX', 5_000);
      await waitFor(() => otherLead.held, { what: 'the standby to take over', timeoutMs: 10_000 });
      await waitFor(() => lastSeq.size === JOBS, { what: 'the burst to be published' });
      await projected(Math.max(...lastSeq.values()));
    });
    await publishRound(ids, (id) => jobEvents(id, 'fence-2').started());
    await publishRound(ids, (id) => jobEvents(id, 'fence-2').progress(0.5));
    const completed = await publishRound(ids, (id) => jobEvents(id, 'fence-2').completed());
    lastSeq = new Map(ids.map((id, i) => [id, completed[i].seq]));

    expect(await frozen).toEqual({ refused: true });
    expect(await fencedRefusals()).toBeGreaterThan(refusalsBefore);
    await waitFor(() => !frozenLead.held && !frozenProjector.running, { what: 'the frozen replica to stand by' });
    expect(counted()).toBe(countedBefore);
    expect(otherLead.held).toBe(true);
    expect(await redis.get(RedisKeys.projectorEpoch)).toBe(otherLead.epoch);

    const jobs = await jobsState(ids);
    const wrong = jobs.filter(
      ([status, version, startedAt], i) => status !== 'completed' || Number(version) !== lastSeq.get(ids[i]) || !startedAt,
    );
    expect(wrong).toEqual([]);
    expect(await redis.zcard(RedisKeys.byStatus('running'))).toBe(0);
  });

  it('after a FLUSHALL, a standby that saw a leader only claims the lease: the live leader renews first, one that died is replaced after the claim stood', async () => {
    const scripted = await connectRedis({ url: redisServer.url, name: 'lease-direct', logger: new Logger('lease-direct') });
    const hold = (holder: string, term: string, waitMs: number) =>
      scripted.holdProjectorLease(
        RedisKeys.projectorLease,
        RedisKeys.projectorEpoch,
        RedisKeys.projectorClaim,
        holder,
        '5000',
        term,
        'feedf00d',
        String(waitMs),
      );
    try {
      await redis.flushall();
      const term = await hold('replica-a', '', 0);
      expect(term).toBe('1:replica-a:feedf00d');
      expect(await hold('replica-b', '', 5000)).toBe('');

      await redis.flushall();
      expect(await hold('replica-b', '', 5000)).toBe('');
      expect(await redis.get(RedisKeys.projectorClaim)).toMatch(/^replica-b:\d+$/);
      expect(await hold('replica-c', '', 5000)).toBe('');
      expect(await hold('replica-a', term, 0)).toBe(term);
      expect(await redis.exists(RedisKeys.projectorClaim)).toBe(0);
      expect(await hold('replica-b', '', 5000)).toBe('');

      // The leader died with the flush: the standby's claim stands its time, then it leads in a new term.
      await redis.flushall();
      expect(await hold('replica-b', '', 50)).toBe('');
      await waitFor(async () => (await hold('replica-b', '', 50)) !== '', { what: 'the claim to stand 50 ms', timeoutMs: 5_000 });
      expect(await redis.get(RedisKeys.projectorLease)).toBe('replica-b');
      expect(await redis.get(RedisKeys.projectorEpoch)).toBe('1:replica-b:feedf00d');
      expect(await redis.exists(RedisKeys.projectorClaim)).toBe(0);
    } finally {
      scripted.disconnect();
      await redis.flushall();
    }
  });

  it('with two replicas, a FLUSHALL leaves the projector with its leader, whose rebuild completes under its own epoch', async () => {
    await stopReplicas();
    await redis.flushall();
    const a = await startReplica();
    const leaderA = a.get(ProjectorLeadership);
    await waitFor(() => leaderA.held && a.get(Projector).running, { what: 'the first replica to lead' });
    const b = await startReplica();
    const leaderB = b.get(ProjectorLeadership);
    const epoch = leaderA.epoch;

    const ids = Array.from({ length: JOBS }, () => randomUUID());
    await publishRound(ids, (id) => jobEvents(id, 'flush').created());
    const completed = await publishRound(ids, (id) => jobEvents(id, 'flush').completed());
    await projected(Math.max(...completed.map((c) => c.seq)));

    await redis.flushall();
    // The standby's tick comes first after the flush (the race that fenced the leader's rebuild out).
    await (leaderB as unknown as { campaign(): Promise<void> }).campaign();
    const progress = await waitFor(
      async () => {
        const p = await redis.hgetall(RedisKeys.rebuild);
        return p.status && p.status !== 'running' && (await redis.exists(RedisKeys.projection)) ? p : undefined;
      },
      { what: 'the rebuild after the flush to finish', timeoutMs: 30_000 },
    );
    expect(progress.status).toBe('completed');
    expect(leaderA.held).toBe(true);
    expect(leaderB.held).toBe(false);
    expect(await redis.get(RedisKeys.projectorLease)).toBe(leaderA.holderId);
    expect(await redis.get(RedisKeys.projectorEpoch)).toBe(epoch);
    expect(await redis.exists(...ids.map((id) => RedisKeys.job(id)))).toBe(JOBS);
  });
});
