import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { RebuildStatus, RedisKeys, Subjects, type Actor, type RebuildProgress } from '@crux/contracts';
import { waitFor } from '@crux/test-harness';
import type { PubAck } from '@crux/messaging';
import { StateRebuilder } from '../src/rebuild/state-rebuilder.js';
import { jobEvents, operator } from './support/job-events.js';
import { startJobState, type JobStateRig } from './support/job-state-harness.js';
import { deletionsOnce, makeJob, operatorRequests, value } from './support/scenarios.js';

/** Everything a job leaves in Redis, as plain data: hashes, tombstones, index entries, TTLs. */
interface RedisState {
  hashes: Map<string, Record<string, string>>;
  keyTtls: Map<string, number>;
  tombstones: Map<string, { seq: string; ttl: number }>;
  /** index key → member → score */
  indexes: Map<string, Map<string, number>>;
}

/** Scores compared exactly, except deadlines (expiry, revoke wait), compared loosely. */
const DEADLINE_INDEXES = new Set<string>([RedisKeys.expiry, RedisKeys.revokePending]);
const LOOSE_MS = 15_000;

async function snapshot(rig: JobStateRig): Promise<RedisState> {
  const state: RedisState = { hashes: new Map(), keyTtls: new Map(), tombstones: new Map(), indexes: new Map() };
  for (const key of await rig.redis.keys('job:*')) {
    state.hashes.set(key, await rig.redis.hgetall(key));
    state.keyTtls.set(key, await rig.redis.ttl(key));
  }
  for (const key of await rig.redis.keys('jobs:deleted:*')) {
    state.tombstones.set(key, { seq: (await rig.redis.get(key)) ?? '', ttl: await rig.redis.ttl(key) });
  }
  const indexKeys = [
    RedisKeys.byCreated,
    RedisKeys.expiry,
    RedisKeys.revokePending,
    ...(await rig.redis.keys('jobs:by_owner:*')),
    ...(await rig.redis.keys('jobs:by_status:*')),
  ];
  for (const key of indexKeys) {
    const flat = await rig.redis.zrange(key, '0', '-1', 'WITHSCORES');
    const entries = new Map<string, number>();
    for (let i = 0; i < flat.length; i += 2) entries.set(flat[i], Number(flat[i + 1]));
    if (entries.size > 0) state.indexes.set(key, entries);
  }
  return state;
}

/** Asserts `after` holds exactly what `before` held, but for `except` jobs; deadlines and TTLs loosely. */
function expectSameState(before: RedisState, after: RedisState, except: readonly string[] = []) {
  const keep = (key: string) => !except.some((id) => key.endsWith(id));
  const hashes = (s: RedisState) => Object.fromEntries([...s.hashes].filter(([k]) => keep(k)));
  expect(hashes(after)).toEqual(hashes(before));
  for (const [key, ttl] of before.keyTtls) {
    if (!keep(key)) continue;
    const now = after.keyTtls.get(key) ?? -2;
    if (ttl === -1) expect({ key, ttl: now }).toEqual({ key, ttl: -1 });
    else expect({ key, off: Math.abs(now - ttl) <= LOOSE_MS / 1000 }).toEqual({ key, off: true });
  }
  const tombs = (s: RedisState) => Object.fromEntries([...s.tombstones].filter(([k]) => keep(k)).map(([k, t]) => [k, t.seq]));
  expect(tombs(after)).toEqual(tombs(before));
  for (const [key, t] of before.tombstones) {
    if (keep(key)) expect(Math.abs((after.tombstones.get(key)?.ttl ?? -2) - t.ttl)).toBeLessThanOrEqual(LOOSE_MS / 1000);
  }
  const members = (s: RedisState) =>
    Object.fromEntries(
      [...s.indexes].map(([index, entries]) => [index, [...entries.keys()].filter(keep).sort()]).filter(([, ids]) => ids.length > 0),
    );
  expect(members(after)).toEqual(members(before));
  for (const [index, entries] of before.indexes) {
    for (const [id, score] of entries) {
      if (!keep(id)) continue;
      const now = after.indexes.get(index)?.get(id);
      if (DEADLINE_INDEXES.has(index))
        expect({ index, id, close: Math.abs((now ?? 0) - score) <= LOOSE_MS }).toEqual({ index, id, close: true });
      else expect({ index, id, score: now }).toEqual({ index, id, score });
    }
  }
}

const ACTOR: Actor = { kind: 'user', id: 'olga' };

describe('rebuilding the live state from JOBS after Redis lost it', () => {
  let rig: JobStateRig;
  let ops: ReturnType<typeof operatorRequests>;
  const ids: Record<string, string> = {};
  let expiredDeadlineMs = 0;

  const rebuilder = () => rig.app.get(StateRebuilder);
  const publishAll = async (events: Parameters<JobStateRig['publish']>[0][]): Promise<PubAck> => {
    let ack: PubAck | null = null;
    for (const e of events) ack = await rig.publish(e);
    return ack as PubAck;
  };
  const purge = async (jobId: string, erase: boolean) => {
    const plan = value(await ops.plan({ job_ids: [jobId], erase, reason: 'spec' }));
    value(await ops.confirm(plan.plan_id, plan.confirm_token as string));
    await waitFor(async () => value(await ops.status(plan.plan_id)).status === 'completed', {
      what: `purge of ${jobId}`,
      timeoutMs: 30_000,
    });
  };
  const latestId = async () => {
    const reply = await rig.request<RebuildProgress>(Subjects.stateRebuildStatus, {});
    return reply.ok ? reply.value.rebuild_id : null;
  };
  const untilRebuilt = async (since: string | null): Promise<RebuildProgress> =>
    waitFor(
      async () => {
        const reply = await rig.request<RebuildProgress>(Subjects.stateRebuildStatus, {});
        const p = reply.ok ? reply.value : null;
        return p && p.rebuild_id !== since && p.status !== RebuildStatus.Running && (await rig.redis.exists(RedisKeys.projection))
          ? p
          : undefined;
      },
      { what: 'a rebuild to finish', timeoutMs: 30_000 },
    );

  beforeAll(async () => {
    rig = await startJobState();
    ops = operatorRequests(rig);
    const base = new Date(Date.now() - 5000);
    ids.pending = (await makeJob(rig, 'alice', 'pending')).id;
    ids.running = (await makeJob(rig, 'alice', 'running')).id;
    ids.completed = (await makeJob(rig, 'bob', 'completed')).id;

    const make = () => {
      const id = randomUUID();
      return { id, e: jobEvents(id, 'carol', base) };
    };
    const failed = make();
    ids.failed = failed.id;
    const cancelledPending = make();
    ids.cancelledPending = cancelledPending.id;
    const cancelledRunning = make();
    ids.cancelledRunning = cancelledRunning.id;
    const held = make();
    ids.held = held.id;
    const released = make();
    ids.released = released.id;
    await publishAll([failed.e.created(), failed.e.started(), failed.e.failed()]);
    await publishAll([cancelledPending.e.created(), cancelledPending.e.cancel(500)]);
    // Cancelled while running and no worker confirmed: it waits in revoke_pending.
    await publishAll([cancelledRunning.e.created(), cancelledRunning.e.started(), cancelledRunning.e.cancel()]);
    await publishAll([held.e.created(), held.e.started(), held.e.completed(), held.e.held()]);
    const last = await publishAll([
      released.e.created(),
      released.e.started(),
      released.e.failed(),
      released.e.held(),
      released.e.released(),
    ]);
    await rig.projected(last.seq);
    await waitFor(async () => (await rig.history(ids.cancelledPending)).some((s) => s.event.type === 'revoked'), {
      what: 'the not-started revoke',
    });

    ids.purged = (await makeJob(rig, 'dave', 'completed')).id;
    await purge(ids.purged, false);
    ids.restored = (await makeJob(rig, 'dave', 'completed')).id;
    await purge(ids.restored, false);
    value(await ops.restore(ids.restored));
    ids.erased = (await makeJob(rig, 'erin', 'completed')).id;
    await purge(ids.erased, true);

    // Completed long ago by its own clock: Redis stamped its TTL from when it was projected,
    // but counted from its own times it ran out while Redis was gone.
    const old = new Date(Date.now() - (Number(rig.settings.ttlCompletedS) + 600) * 1000);
    ids.expired = randomUUID();
    const expired = jobEvents(ids.expired, 'frank', old);
    expiredDeadlineMs = old.getTime() + 3000 + rig.settings.ttlCompletedS * 1000;
    const lastAck = await publishAll([expired.created(), expired.started(), expired.completed()]);
    await rig.projected(lastAck.seq);
    const stream = await rig.jsm.streams.info('JOBS');
    await rig.projected(stream.state.last_seq);
  }, 120_000);

  afterAll(async () => {
    await rig?.close();
  });

  it('notices a FLUSHALL by itself and puts every job back as it was, deadlines counted from its own times', async () => {
    const before = await snapshot(rig);
    expect(before.hashes.get(RedisKeys.job(ids.held))?.held).toBe('1');
    expect(before.indexes.get(RedisKeys.revokePending)?.has(ids.cancelledRunning)).toBe(true);
    expect(before.tombstones.has(RedisKeys.tombstone(ids.erased))).toBe(true);
    expect(before.hashes.has(RedisKeys.job(ids.expired))).toBe(true);
    const previous = await latestId();

    await rig.redis.flushall();
    const progress = await untilRebuilt(previous);

    expect(progress).toMatchObject({ status: 'completed', trigger: 'redis_empty', actor: 'job-state' });
    expect(progress.events_read).toBeGreaterThan(0);
    expect(progress.events_read).toBe(progress.events_total);
    expectSameState(before, await snapshot(rig), [ids.expired]);

    // The erased job stays gone, and says so.
    expect(await rig.redis.exists(RedisKeys.job(ids.erased))).toBe(0);
    expect((await ops.get(ids.erased)).ok ? 'found' : 'gone').toBe('gone');
    const erasedReply = await ops.get(ids.erased);
    expect(erasedReply.ok ? 200 : erasedReply.error.status_code).toBe(410);

    // Its own deadline was past: the sweep deletes it, and the trail says ttl.
    const [deletion] = await deletionsOnce(rig, ids.expired);
    expect(deletion.event.data.reason).toBe('ttl');
    expect(deletion.event.data.snapshot).toMatchObject({ job_id: ids.expired, status: 'completed' });
    expect(Math.abs((before.indexes.get(RedisKeys.expiry)?.get(ids.expired) ?? 0) - expiredDeadlineMs)).toBeGreaterThan(60_000);
    await waitFor(async () => (await rig.redis.exists(RedisKeys.job(ids.expired))) === 0, { what: 'the expired job to be deleted' });

    // The projector runs again: a later event lands.
    const ack = await rig.publish(jobEvents(ids.running, 'alice', new Date()).progress(0.9, 0));
    await rig.projected(ack.seq);
    expect(await rig.redis.hget(RedisKeys.job(ids.running), 'progress')).toBe('0.9');
  }, 60_000);

  it('rebuilds on an operator request (202 with its id, then progress), naming the actor', async () => {
    const before = await snapshot(rig);
    const previous = await latestId();
    // Redis lost the jobs but kept the sentinel: nothing automatic, the operator asks.
    await rig.redis.multi().flushall().hset(RedisKeys.projection, { epoch: 'kept' }).exec();

    const started = value(await rig.request<RebuildProgress>(Subjects.stateRebuild, { actor: ACTOR, reason: 'spec' }));
    expect(started).toMatchObject({ status: 'running', trigger: 'operator', actor: 'olga', reason: 'spec' });
    const done = await untilRebuilt(previous);
    expect(done.rebuild_id).toBe(started.rebuild_id);
    expect(done).toMatchObject({ status: 'completed', actor: 'olga' });
    expect(done.jobs_restored).toBe(before.hashes.size);
    expectSameState(before, await snapshot(rig));
  }, 60_000);

  it('answers 409 naming the rebuild another replica is running, and 400 without an actor', async () => {
    await rig.redis.set(RedisKeys.rebuildLease, 'elsewhere', 'PX', 30_000);
    await rig.redis.hset(RedisKeys.rebuild, {
      rebuild_id: 'elsewhere',
      status: 'running',
      trigger: 'operator',
      events_read: '5',
      events_total: '9',
      started_at: new Date().toISOString(),
      actor: 'someone',
    });
    const refused = await rig.request<RebuildProgress>(Subjects.stateRebuild, { actor: operator });
    expect(refused.ok ? 200 : refused.error).toMatchObject({ status_code: 409, message: expect.stringContaining('elsewhere') });
    expect(refused.ok ? null : refused.error.message).toContain('5 of 9 events');
    await rig.redis.del(RedisKeys.rebuildLease);

    const bad = await rig.request<RebuildProgress>(Subjects.stateRebuild, { reason: 'no actor' });
    expect(bad.ok ? 200 : bad.error.status_code).toBe(400);
    expect(rebuilder().current).toBeNull();
  });
});
