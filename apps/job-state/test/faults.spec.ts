import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { ConsumerName, RedisKeys, RefusalReason, StreamName, Subjects, type JobDeleted, type VerdictsReply } from '@crux/contracts';
import { waitFor } from '@crux/test-harness';
import { planUpdate } from '../src/domain/index.js';
import { JobWriter } from '../src/redis/job-writer.js';
import { jobEvents } from './support/job-events.js';
import { startJobState, type JobStateRig } from './support/job-state-harness.js';

describe('projecting through faults', () => {
  let rig: JobStateRig;

  beforeAll(async () => {
    rig = await startJobState();
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('acks nothing while Redis is gone, then applies the held events in order once it is back', async () => {
    const id = randomUUID();
    const events = jobEvents(id, 'alice');
    await rig.redisServer.crash();

    await rig.publish(events.created());
    await rig.publish(events.started());
    const last = await rig.publish(events.progress(0.7));
    // Delivered to the projector but not acknowledged: nothing was written anywhere.
    await waitFor(
      async () => {
        const info = await rig.jsm.consumers.info(StreamName.Jobs, ConsumerName.Projector);
        return info.delivered.stream_seq >= last.seq && info.num_ack_pending >= 3;
      },
      { what: 'the events to be delivered and held unacked', timeoutMs: 30_000 },
    );
    // Redis refused the batch more than once and the projector held on to it.
    await waitFor(() => rig.projector.stats.retries >= 2, { what: 'the projector to retry the batch', timeoutMs: 30_000 });
    expect((await rig.jsm.consumers.info(StreamName.Jobs, ConsumerName.Projector)).ack_floor.stream_seq).toBeLessThan(last.seq - 2);

    await rig.redisServer.restart();
    await rig.projected(last.seq);
    expect(await rig.redis.hgetall(RedisKeys.job(id))).toMatchObject({
      status: 'running',
      progress: '0.7',
      version: String(last.seq),
    });
    // The restarted server lost the notification flags; job-state set them again.
    await waitFor(
      async () => {
        const [, flags] = (await rig.redis.config('GET', 'notify-keyspace-events')) as string[];
        return ['E', 'x', 'g'].every((f) => flags.includes(f));
      },
      { what: 'keyspace notifications to be on again' },
    );
  });

  it('sets aside an event Redis fails on at every try, goes on with other jobs, and applies it once its key is fixed', async () => {
    const poisoned = randomUUID();
    const events = jobEvents(poisoned);
    // Something else wrote a string where the job's hash belongs: the script fails on it.
    await rig.redis.set(RedisKeys.job(poisoned), 'not a hash');
    const setAsideBefore = rig.projector.stats.setAside;
    const failedBefore = rig.projector.stats.failed;
    const poisonAck = await rig.publish(events.created());
    const other = randomUUID();
    const otherAck = await rig.publish(jobEvents(other).created());

    // Retried in place a few times, then set aside: the later event of another job applies and is acked.
    await rig.projected(otherAck.seq);
    expect(await rig.redis.hget(RedisKeys.job(other), 'version')).toBe(String(otherAck.seq));
    expect(rig.projector.stats.failed).toBeGreaterThanOrEqual(failedBefore + 2);
    expect(rig.projector.stats.setAside).toBe(setAsideBefore + 1);
    const entry = JSON.parse((await rig.redis.hget(RedisKeys.setAside, String(poisonAck.seq))) ?? 'null') as Record<string, string>;
    expect(entry).toMatchObject({ job_id: poisoned, type: 'created' });
    expect(entry.reason).toMatch(/WRONGTYPE/);
    expect(await rig.redis.get(RedisKeys.job(poisoned))).toBe('not a hash');

    // A later event of the same job goes aside at once, behind the first, and the stream goes on.
    const startedAck = await rig.publish(events.started());
    const third = randomUUID();
    const thirdAck = await rig.publish(jobEvents(third).created());
    await rig.projected(thirdAck.seq);
    expect(await rig.redis.hexists(RedisKeys.setAside, String(startedAck.seq))).toBe(1);
    expect(await rig.redis.hget(RedisKeys.job(third), 'version')).toBe(String(thirdAck.seq));
    expect((await rig.jsm.consumers.info(StreamName.Jobs, ConsumerName.Projector)).num_ack_pending).toBe(0);

    // The key fixed, the sweeper applies both, in stream order, and forgets them.
    await rig.redis.del(RedisKeys.job(poisoned));
    await waitFor(async () => (await rig.redis.hget(RedisKeys.job(poisoned), 'version')) === String(startedAck.seq), {
      what: 'the sweeper to apply the set-aside events',
      timeoutMs: 30_000,
    });
    expect(await rig.redis.hget(RedisKeys.job(poisoned), 'status')).toBe('running');
    await waitFor(async () => (await rig.redis.hlen(RedisKeys.setAside)) === 0, { what: 'the set-aside events to be forgotten' });
    expect(rig.projector.stats.recovered).toBeGreaterThanOrEqual(2);
  });

  it('refuses a command it set aside (not_applied): the verdict says so and it is not tried again', async () => {
    const job = randomUUID();
    const events = jobEvents(job);
    const created = await rig.publish(events.created());
    await rig.projected(created.seq);
    await rig.redis.set(RedisKeys.job(job), 'not a hash');
    const held = events.held();
    const heldAck = await rig.publish(held);
    await rig.projected(heldAck.seq);

    const reply = await rig.request<VerdictsReply>(Subjects.stateVerdicts, { events: [{ id: held.id, seq: heldAck.seq }] });
    if (!reply.ok) throw new Error(reply.error.message);
    expect(reply.value.refused).toEqual([
      expect.objectContaining({ event_id: held.id, job_id: job, type: 'held', reason: RefusalReason.NotApplied }),
    ]);
    expect(reply.value.refused[0].message).toMatch(/WRONGTYPE/);
    // A refused command stays refused: not kept for the sweeper.
    expect(await rig.redis.hexists(RedisKeys.setAside, String(heldAck.seq))).toBe(0);
  });

  it('fails only the poisoned job of a run of deletions; the others in the same call are deleted, the poisoned one refused', async () => {
    const poisoned = randomUUID();
    const healthy = randomUUID();
    const created = await rig.publish(jobEvents(healthy).created());
    await waitFor(async () => (await rig.redis.hget(RedisKeys.job(healthy), 'version')) === String(created.seq), {
      what: 'the healthy job',
    });
    await rig.redis.set(RedisKeys.job(poisoned), 'not a hash');
    const failedBefore = rig.projector.stats.failed;
    const poisonedDeletion = jobEvents(poisoned).deleted(null, 'external');
    // Published back to back, so they travel in one batch and one delete-jobs call.
    const [, healthyAck] = await Promise.all([rig.publish(poisonedDeletion), rig.publish(jobEvents(healthy).deleted(null, 'external'))]);
    await waitFor(async () => (await rig.redis.exists(RedisKeys.job(healthy))) === 0, {
      what: 'the healthy job to be deleted',
      timeoutMs: 30_000,
    });
    expect(await rig.redis.zscore(RedisKeys.byCreated, healthy)).toBeNull();
    expect(await rig.redis.exists(RedisKeys.tombstone(healthy))).toBe(1);
    await rig.projected(healthyAck.seq);
    expect(rig.projector.stats.failed).toBeGreaterThan(failedBefore);
    expect(await rig.redis.get(RedisKeys.job(poisoned))).toBe('not a hash');
    expect(JSON.parse((await rig.redis.get(RedisKeys.refusal(poisonedDeletion.id))) ?? 'null')).toMatchObject({
      job_id: poisoned,
      type: 'deleted',
      reason: RefusalReason.NotApplied,
    });
  });

  it("counts a purge plan's deletion it set aside as skipped, once however often it is retried", async () => {
    const planId = randomUUID();
    await rig.redis.hset(RedisKeys.purgePlan(planId), { deleted: 1, skipped: 0 });
    const base = jobEvents(randomUUID()).deleted(null, 'purge');
    const deletion: JobDeleted = { ...base, data: { ...base.data, plan_id: planId } };
    const plan = planUpdate(deletion, 123_456, rig.settings);
    const store = rig.app.get(JobWriter).setAside;

    await store.put([{ plan, reason: 'WRONGTYPE for the test' }], undefined);
    await store.put([{ plan, reason: 'WRONGTYPE for the test' }], undefined);
    expect(await rig.redis.hgetall(RedisKeys.purgePlan(planId))).toMatchObject({ deleted: '0', skipped: '1' });
    expect(JSON.parse((await rig.redis.get(RedisKeys.refusal(deletion.id))) ?? 'null')).toMatchObject({ reason: RefusalReason.NotApplied });
  });
});
