import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { ConsumerName, JOB_STATUSES, RedisKeys, StreamName, type JobStatus } from '@crux/contracts';
import { waitFor } from '@crux/test-harness';
import { planUpdate } from '../src/domain/index.js';
import { ApplyCode } from '../src/redis/apply-code.js';
import { jobEvents } from './support/job-events.js';
import { startJobState, TEST_TTLS, type JobStateRig } from './support/job-state-harness.js';

describe('projecting job events into Redis', () => {
  let rig: JobStateRig;

  beforeAll(async () => {
    rig = await startJobState();
  });

  afterAll(async () => {
    await rig?.close();
  });

  const hash = (id: string) => rig.redis.hgetall(RedisKeys.job(id));
  const GRACE_S = Number(TEST_TTLS.CRUX_EXPIRY_GRACE_S);
  /** The status TTL a key got: Redis's own TTL runs the expiry grace longer (the backstop). */
  const ttl = async (id: string) => (await rig.redis.ttl(RedisKeys.job(id))) - GRACE_S;
  const statusIndexesHolding = async (id: string): Promise<JobStatus[]> => {
    const held: JobStatus[] = [];
    for (const status of JOB_STATUSES) {
      if ((await rig.redis.zscore(RedisKeys.byStatus(status), id)) !== null) held.push(status);
    }
    return held;
  };
  /** Waits for the job's hash to reach `version`, i.e. for the event at that sequence to apply. */
  const untilVersion = (id: string, seq: number) =>
    waitFor(
      async () => {
        const h = await hash(id);
        return Number(h.version) >= seq ? h : undefined;
      },
      { what: `job ${id} at version ${seq}`, timeoutMs: 30_000 },
    );

  it('keeps every field of a job through its life, with the active TTL until it ends', async () => {
    const id = randomUUID();
    const events = jobEvents(id, 'alice', new Date());
    const created = events.created();

    const createdAck = await rig.publish(created);
    const pending = await untilVersion(id, createdAck.seq);
    expect(pending).toEqual({
      job_id: id,
      status: 'pending',
      created_at: created.occurred_at,
      started_at: '',
      completed_at: '',
      progress: '0',
      current_phase: '',
      result: '',
      error: '',
      partial_results: '',
      request: JSON.stringify(created.data.request),
      mode: 'basic',
      owner: 'alice',
      model_name: 'sim-1',
      continued_from: '',
      version: String(createdAck.seq),
      held: '',
    });
    expect(await ttl(id)).toBeGreaterThan(900);
    expect(await ttl(id)).toBeLessThanOrEqual(1000);
    const createdMs = Date.parse(created.occurred_at);
    expect(Number(await rig.redis.zscore(RedisKeys.byCreated, id))).toBe(createdMs);
    expect(Number(await rig.redis.zscore(RedisKeys.byOwner('alice'), id))).toBe(createdMs);
    expect(await statusIndexesHolding(id)).toEqual(['pending']);

    const started = events.started();
    await rig.publish(started);
    const progress = events.progress(0.5);
    const progressAck = await rig.publish(progress);
    const running = await untilVersion(id, progressAck.seq);
    expect(running).toMatchObject({
      status: 'running',
      started_at: started.occurred_at,
      progress: '0.5',
      current_phase: 'refine',
      partial_results: JSON.stringify({ best: 'forty' }),
    });
    expect(await ttl(id)).toBeGreaterThan(900);
    expect(await ttl(id)).toBeLessThanOrEqual(1000);
    expect(await statusIndexesHolding(id)).toEqual(['running']);

    const completed = events.completed();
    const completedAck = await rig.publish(completed);
    const done = await untilVersion(id, completedAck.seq);
    expect(done).toEqual({
      ...pending,
      status: 'completed',
      started_at: started.occurred_at,
      completed_at: completed.occurred_at,
      progress: '1',
      current_phase: 'completed',
      partial_results: JSON.stringify({ best: 'forty' }),
      result: JSON.stringify(events.result),
      version: String(completedAck.seq),
    });
    expect(await ttl(id)).toBeGreaterThan(4900);
    expect(await ttl(id)).toBeLessThanOrEqual(5000);
    expect(await rig.redis.ttl(RedisKeys.job(id))).toBeGreaterThan(5000);
    expect(await statusIndexesHolding(id)).toEqual(['completed']);
    // The creation score survives status changes; the expiry index follows the latest TTL.
    expect(Number(await rig.redis.zscore(RedisKeys.byStatus('completed'), id))).toBe(createdMs);
    const expiresAt = Number(await rig.redis.zscore(RedisKeys.expiry, id));
    expect(expiresAt).toBeGreaterThan(Date.now() + 4_800_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 5_000_000);
  });

  it('gives failed and cancelled jobs their own TTL and sets error or completed_at', async () => {
    const failedId = randomUUID();
    const f = jobEvents(failedId);
    await rig.publish(f.created());
    await rig.publish(f.started());
    const failedAck = await rig.publish(f.failed());
    expect(await untilVersion(failedId, failedAck.seq)).toMatchObject({
      status: 'failed',
      error: 'model said no',
      completed_at: f.failed().occurred_at,
    });
    expect(await ttl(failedId)).toBeGreaterThan(2900);
    expect(await ttl(failedId)).toBeLessThanOrEqual(3000);

    const cancelledId = randomUUID();
    const c = jobEvents(cancelledId);
    await rig.publish(c.created());
    const cancel = c.cancel();
    const cancelAck = await rig.publish(cancel);
    expect(await untilVersion(cancelledId, cancelAck.seq)).toMatchObject({
      status: 'cancelled',
      completed_at: cancel.occurred_at,
      started_at: '',
    });
    expect(await ttl(cancelledId)).toBeGreaterThan(1900);
    expect(await ttl(cancelledId)).toBeLessThanOrEqual(2000);
    expect(await statusIndexesHolding(cancelledId)).toEqual(['cancelled']);
  });

  it('keeps the first started_at when a job is restarted after a worker died', async () => {
    const id = randomUUID();
    const events = jobEvents(id);
    await rig.publish(events.created());
    const first = events.started(1000);
    await rig.publish(first);
    const againAck = await rig.publish(events.started(9000));
    expect(await untilVersion(id, againAck.seq)).toMatchObject({ status: 'running', started_at: first.occurred_at });
  });

  it('stores an event published twice once and applies it once', async () => {
    const id = randomUUID();
    const events = jobEvents(id);
    const created = events.created();
    const first = await rig.publish(created);
    const second = await rig.publish(created);
    expect(second.duplicate).toBe(true);
    expect(second.seq).toBe(first.seq);
    await untilVersion(id, first.seq);
    const history = await rig.jsm.streams.getMessage(StreamName.Jobs, { last_by_subj: `job.created.${id}` });
    expect(history?.seq).toBe(first.seq);
    expect((await hash(id)).version).toBe(String(first.seq));
  });

  it('applies a redelivered message once: the same sequence again changes nothing', async () => {
    const id = randomUUID();
    const events = jobEvents(id);
    const createdAck = await rig.publish(events.created());
    await rig.publish(events.started());
    const progressAck = await rig.publish(events.progress(0.4));
    const before = await untilVersion(id, progressAck.seq);

    // The created message and a progress message delivered a second time.
    expect(await rig.projector.apply(planUpdate(events.created(), createdAck.seq, rig.settings))).toMatchObject({
      ok: true,
      code: ApplyCode.Stale,
    });
    const redelivered = planUpdate(events.progress(0.9), progressAck.seq, rig.settings);
    expect(await rig.projector.apply(redelivered)).toEqual({ ok: true, code: ApplyCode.Stale, previous: 'running' });
    expect(await hash(id)).toEqual(before);
  });

  it('applies a sequence only once even outside the stream', async () => {
    const id = randomUUID();
    const events = jobEvents(id);
    const createdAck = await rig.publish(events.created());
    await untilVersion(id, createdAck.seq);
    // A sequence no stream message has reached yet, on a job of its own so the stream is unaffected.
    const seq = createdAck.seq + 1_000_000;
    const plan = planUpdate(events.started(), seq, rig.settings);
    expect(await rig.projector.apply(plan)).toEqual({ ok: true, code: ApplyCode.Applied, previous: 'pending' });
    const after = await hash(id);
    expect(await rig.projector.apply(plan)).toEqual({ ok: true, code: ApplyCode.Stale, previous: 'running' });
    expect(await hash(id)).toEqual(after);
    expect(after.version).toBe(String(seq));
  });

  it('changes nothing for a progress after completed', async () => {
    const id = randomUUID();
    const events = jobEvents(id);
    await rig.publish(events.created());
    await rig.publish(events.started());
    const completedAck = await rig.publish(events.completed());
    const done = await untilVersion(id, completedAck.seq);
    const ttlBefore = await ttl(id);

    const lateAck = await rig.publish(events.progress(0.2, 5000));
    await rig.projected(lateAck.seq);
    expect(await hash(id)).toEqual(done);
    expect(await ttl(id)).toBeGreaterThan(ttlBefore - 60);
    expect(await ttl(id)).toBeGreaterThan(4000);
    expect(await statusIndexesHolding(id)).toEqual(['completed']);
  });

  it('rejects a completed for a cancelled job', async () => {
    const id = randomUUID();
    const events = jobEvents(id);
    await rig.publish(events.created());
    await rig.publish(events.started());
    const cancelAck = await rig.publish(events.cancel(2000));
    const cancelled = await untilVersion(id, cancelAck.seq);

    const lateAck = await rig.publish(events.completed(5000));
    await rig.projected(lateAck.seq);
    expect(await hash(id)).toEqual(cancelled);
    expect(cancelled).toMatchObject({ status: 'cancelled', result: '', progress: '0' });
    expect(await statusIndexesHolding(id)).toEqual(['cancelled']);
    const direct = planUpdate(events.completed(5000), lateAck.seq + 1_000_000, rig.settings);
    expect(await rig.projector.apply(direct)).toEqual({ ok: true, code: ApplyCode.Rejected, previous: 'cancelled' });
    expect(await hash(id)).toEqual(cancelled);
  });

  it('records a revoke on an existing job by its version only, and never creates a key for one', async () => {
    const id = randomUUID();
    const events = jobEvents(id);
    await rig.publish(events.created());
    const cancelAck = await rig.publish(events.cancel());
    const cancelled = await untilVersion(id, cancelAck.seq);
    const ttlBefore = await ttl(id);
    const revokedAck = await rig.publish(events.revoked());
    expect(await untilVersion(id, revokedAck.seq)).toEqual({ ...cancelled, version: String(revokedAck.seq) });
    expect(await ttl(id)).toBeLessThanOrEqual(ttlBefore);

    const ghost = randomUUID();
    const ghostAck = await rig.publish(jobEvents(ghost).revoked());
    const startedAck = await rig.publish(jobEvents(ghost).started());
    await rig.projected(Math.max(ghostAck.seq, startedAck.seq));
    expect(await rig.redis.exists(RedisKeys.job(ghost))).toBe(0);
    expect(await rig.redis.zscore(RedisKeys.byCreated, ghost)).toBeNull();
  });

  it('acks a message it cannot read, with an error log, and goes on with the stream', async () => {
    const id = randomUUID();
    const droppedBefore = rig.projector.stats.dropped;
    const junk = await rig.jsm.jetstream().publish(`job.created.${id}`, 'this is not an event');
    const events = jobEvents(id);
    const createdAck = await rig.publish(events.created());
    expect(createdAck.seq).toBeGreaterThan(junk.seq);
    await untilVersion(id, createdAck.seq);
    await rig.projected(createdAck.seq);
    const info = await rig.jsm.consumers.info(StreamName.Jobs, ConsumerName.Projector);
    expect(info.num_ack_pending).toBe(0);
    expect(rig.projector.stats.dropped).toBe(droppedBefore + 1);
  });

  it('turns on keyspace notifications for expiries and deletions', async () => {
    const [, flags] = (await rig.redis.config('GET', 'notify-keyspace-events')) as string[];
    for (const flag of ['E', 'x', 'g']) expect(flags).toContain(flag);
  });
});

describe('projector throughput shape', () => {
  let rig: JobStateRig;

  beforeAll(async () => {
    rig = await startJobState();
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('projects a burst of jobs published without waiting, each to its final state', async () => {
    const ids = Array.from({ length: 300 }, () => randomUUID());
    const acks = await Promise.all(
      ids.flatMap((id) => {
        const e = jobEvents(id, 'burst');
        return [e.created(), e.started(), e.progress(0.5), e.completed()].map((event) => rig.publish(event));
      }),
    );
    await rig.projected(Math.max(...acks.map((a) => a.seq)));
    const statuses = await Promise.all(ids.map((id) => rig.redis.hget(RedisKeys.job(id), 'status')));
    expect(new Set(statuses)).toEqual(new Set(['completed']));
    expect(await rig.redis.zcard(RedisKeys.byOwner('burst'))).toBe(300);
    expect(await rig.redis.zcard(RedisKeys.byStatus('completed'))).toBe(300);
    expect(await rig.redis.zcard(RedisKeys.byStatus('running'))).toBe(0);
  });
});
