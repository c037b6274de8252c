import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RedisKeys } from '@crux/contracts';
import { waitFor } from '@crux/test-harness';
import { jobEvents } from './support/job-events.js';
import { startJobState, type JobStateRig } from './support/job-state-harness.js';
import { archived, deletionsOnce, makeJob, operatorRequests, redisTraces, value } from './support/scenarios.js';
import { jobContentHash, toJobHash } from '../src/domain/index.js';

const JOB_STATE = { kind: 'system', id: 'job-state' };

describe('expiry and deletions from outside, each recorded once', () => {
  let rig: JobStateRig;
  let ops: ReturnType<typeof operatorRequests>;

  beforeAll(async () => {
    rig = await startJobState({
      // Completed jobs live 2 s; Redis's own TTL runs 1 s longer as the backstop.
      CRUX_TTL_COMPLETED_S: '2',
      CRUX_EXPIRY_GRACE_S: '1',
      CRUX_EXPIRY_SWEEP_MS: '100',
      CRUX_PURGE_PLAN_TTL_S: '1',
    });
    ops = operatorRequests(rig);
  });

  afterAll(async () => {
    await rig?.close();
  });

  /** A job that expires and is recorded after `jobId`'s: proof that sweeps ran since. */
  async function laterSweepHappened() {
    const marker = await makeJob(rig, 'marker');
    await deletionsOnce(rig, marker.id);
  }

  it('deletes a job whose TTL ran out with job-state as the actor and its snapshot archived', async () => {
    const job = await makeJob(rig, 'ann');
    expect(job.view.ttl_s).toBeLessThanOrEqual(2);
    const [deletion] = await deletionsOnce(rig, job.id);
    expect(deletion.event).toMatchObject({
      id: expect.any(String),
      actor: JOB_STATE,
      data: {
        reason: 'ttl',
        snapshot: archived(job.view),
        archive: 'snapshot',
        content_hash: jobContentHash(toJobHash(archived(job.view))),
        plan_id: null,
      },
    });
    await rig.projected(deletion.seq);
    expect(await redisTraces(rig, job.id, 'ann')).toEqual([]);
    expect(await ops.get(job.id)).toMatchObject({ ok: false, error: { status_code: 410, reason: 'ttl', actor: JOB_STATE } });
    await laterSweepHappened();
    expect(await rig.deletions(job.id)).toHaveLength(1);
  });

  it('keeps a held job past every sweep and through its completion; release brings the TTL and the expiry back', async () => {
    const job = await makeJob(rig, 'ben', 'running');
    value(await ops.hold(job.id));
    const [created] = await rig.eventsOf('created', job.id);
    const ack = await rig.publish(jobEvents(job.id, 'ben', new Date(created.event.occurred_at)).completed());
    await rig.projected(ack.seq);
    expect(value(await ops.get(job.id))).toMatchObject({ status: 'completed', held: true, ttl_s: null });

    // The marker expires after the held job would have: the sweep that took it passed this one by.
    await laterSweepHappened();
    expect(await rig.redis.exists(RedisKeys.job(job.id))).toBe(1);
    expect(await rig.redis.ttl(RedisKeys.job(job.id))).toBe(-1);
    expect(await rig.deletions(job.id)).toEqual([]);

    const released = value(await ops.release(job.id));
    expect(released.ttl_s).toBeLessThanOrEqual(2);
    const [deletion] = await deletionsOnce(rig, job.id);
    expect(deletion.event.data).toMatchObject({ reason: 'ttl', snapshot: { job_id: job.id, status: 'completed', held: false } });
  });

  it('records a key removed with DEL as an external deletion, its snapshot rebuilt from JOBS', async () => {
    const job = await makeJob(rig, 'cid', 'running'); // active TTL: the sweep leaves it alone
    await rig.redis.del(RedisKeys.job(job.id));
    const [deletion] = await deletionsOnce(rig, job.id);
    expect(deletion.event).toMatchObject({ actor: JOB_STATE, data: { reason: 'external', plan_id: null } });
    // The key could not be read: the snapshot is the replay of the job's events, exactly the live view.
    expect(deletion.event.data.snapshot).toEqual(archived(job.view));
    await rig.projected(deletion.seq);
    expect(await redisTraces(rig, job.id, 'cid')).toEqual([]);
    await laterSweepHappened();
    expect(await rig.deletions(job.id)).toHaveLength(1);
  });

  it('records expiries that happened while job-state was stopped once it is back, with rebuilt snapshots', async () => {
    const jobs = [await makeJob(rig, 'dee'), await makeJob(rig, 'dee')];
    await rig.stopService();
    try {
      // Nobody sweeps: Redis's backstop TTL removes the keys, and nobody hears it.
      await waitFor(async () => (await rig.redis.exists(...jobs.map((j) => RedisKeys.job(j.id)))) === 0, {
        what: 'Redis to expire the keys itself',
        timeoutMs: 30_000,
      });
      for (const j of jobs) expect(await rig.deletions(j.id)).toEqual([]);
    } finally {
      await rig.startService();
    }
    for (const j of jobs) {
      const [deletion] = await deletionsOnce(rig, j.id);
      expect(deletion.event).toMatchObject({ actor: JOB_STATE, data: { reason: 'ttl', snapshot: archived(j.view) } });
      await rig.projected(deletion.seq);
      expect(await redisTraces(rig, j.id, 'dee')).toEqual([]);
    }
    await laterSweepHappened();
    for (const j of jobs) expect(await rig.deletions(j.id)).toHaveLength(1);
  });

  it('refuses an expired confirm token and deletes nothing', async () => {
    const job = await makeJob(rig, 'eve', 'pending');
    const plan = value(await ops.plan({ job_ids: [job.id] }));
    expect(plan.count).toBe(1);
    await waitFor(async () => value(await ops.status(plan.plan_id)).status === 'expired', {
      what: 'the plan to expire',
      timeoutMs: 30_000,
    });
    const refused = await ops.confirm(plan.plan_id, plan.confirm_token!);
    expect(refused).toMatchObject({ ok: false, error: { status_code: 410, error: 'Gone' } });
    expect(await rig.redis.exists(RedisKeys.job(job.id))).toBe(1);
    expect(await rig.deletions(job.id)).toEqual([]);
    expect(await rig.eventsOf('purge_confirmed', plan.plan_id)).toEqual([]);
  });
});
