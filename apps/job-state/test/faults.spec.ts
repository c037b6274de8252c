import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { ConsumerName, RedisKeys, StreamName } from '@crux/contracts';
import { waitFor } from '@crux/test-harness';
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

  it('retries an event Redis fails on in place, holding back its ack and every event after it until it applies', async () => {
    const poisoned = randomUUID();
    // Something else wrote a string where the job's hash belongs: the script fails on it.
    await rig.redis.set(RedisKeys.job(poisoned), 'not a hash');
    const failedBefore = rig.projector.stats.failed;
    const poisonAck = await rig.publish(jobEvents(poisoned).created());
    // Retried in place, not left for a redelivery after ack_wait (30 s).
    await waitFor(() => rig.projector.stats.failed >= failedBefore + 2, { what: 'the poisoned event to be retried', timeoutMs: 20_000 });
    const other = randomUUID();
    const otherAck = await rig.publish(jobEvents(other).created());
    await waitFor(
      async () => (await rig.jsm.consumers.info(StreamName.Jobs, ConsumerName.Projector)).delivered.stream_seq >= otherAck.seq,
      {
        what: 'the event after the poison to be delivered',
      },
    );
    const failedSinceDelivered = rig.projector.stats.failed;
    await waitFor(() => rig.projector.stats.failed >= failedSinceDelivered + 2, { what: 'two more retries', timeoutMs: 20_000 });

    // An ack of the later event would ack the poisoned one too: both wait, unapplied and unacked.
    expect(await rig.redis.exists(RedisKeys.job(other))).toBe(0);
    const held = await rig.jsm.consumers.info(StreamName.Jobs, ConsumerName.Projector);
    expect(held.ack_floor.stream_seq).toBe(poisonAck.seq - 1);
    expect(held.num_ack_pending).toBe(2);

    await rig.redis.del(RedisKeys.job(poisoned));
    await rig.projected(otherAck.seq);
    expect(await rig.redis.hget(RedisKeys.job(poisoned), 'version')).toBe(String(poisonAck.seq));
    expect(await rig.redis.hget(RedisKeys.job(other), 'version')).toBe(String(otherAck.seq));
  });

  // Last in this suite: the poisoned deletion is retried until the end, holding back everything after it.
  it('fails only the poisoned job of a run of deletions; the others in the same call are deleted', async () => {
    const poisoned = randomUUID();
    const healthy = randomUUID();
    const created = await rig.publish(jobEvents(healthy).created());
    await waitFor(async () => (await rig.redis.hget(RedisKeys.job(healthy), 'version')) === String(created.seq), {
      what: 'the healthy job',
    });
    await rig.redis.set(RedisKeys.job(poisoned), 'not a hash');
    const failedBefore = rig.projector.stats.failed;
    // Published back to back, so they travel in one batch and one delete-jobs call.
    await Promise.all([
      rig.publish(jobEvents(poisoned).deleted(null, 'external')),
      rig.publish(jobEvents(healthy).deleted(null, 'external')),
    ]);
    await waitFor(async () => (await rig.redis.exists(RedisKeys.job(healthy))) === 0, {
      what: 'the healthy job to be deleted',
      timeoutMs: 30_000,
    });
    expect(await rig.redis.zscore(RedisKeys.byCreated, healthy)).toBeNull();
    expect(await rig.redis.exists(RedisKeys.tombstone(healthy))).toBe(1);
    expect(await rig.redis.get(RedisKeys.job(poisoned))).toBe('not a hash');
    await waitFor(() => rig.projector.stats.failed > failedBefore, { what: 'the poisoned deletion to fail' });
  });
});
