import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RedisKeys, Subjects, type JobEvent, type JobView, type VerdictsReply } from '@crux/contracts';
import type { PubAck } from '@crux/messaging';
import { jobEvents, operator } from './support/job-events.js';
import { startJobState, type JobStateRig } from './support/job-state-harness.js';
import { makeJob } from './support/scenarios.js';

/**
 * Two commands on one job, each decided against the job as its issuer saw it, reach JOBS in
 * the other order: the projector applies the first and refuses the second, which then
 * changed nothing. The verdict is what the trail and the command's answer follow.
 */
describe('verdicts: a command that reached JOBS after another made it moot is refused', () => {
  let rig: JobStateRig;

  beforeAll(async () => {
    rig = await startJobState();
  });

  afterAll(async () => {
    await rig?.close();
  });

  async function publishAll(...events: JobEvent[]): Promise<PubAck[]> {
    const acks: PubAck[] = [];
    for (const event of events) acks.push(await rig.publish(event));
    await rig.projected(acks[acks.length - 1].seq);
    return acks;
  }

  async function refusedOf(events: JobEvent[], acks: PubAck[]) {
    const reply = await rig.request<VerdictsReply>(Subjects.stateVerdicts, {
      events: events.map((e, i) => ({ id: e.id, seq: acks[i].seq })),
    });
    if (!reply.ok) throw new Error(reply.error.message);
    return reply.value.refused;
  }

  const eventsOf = (job: { id: string; view: JobView }) => jobEvents(job.id, job.view.owner, new Date(job.view.created_at));

  it('refuses a hold that arrives after the purge that deleted the job, and keeps why', async () => {
    const job = await makeJob(rig, 'ann');
    const e = eventsOf(job);
    const deleted = e.deleted(job.view, 'purge');
    const held = e.held();
    const acks = await publishAll(deleted, held);

    const refused = await refusedOf([deleted, held], acks);
    expect(refused).toEqual([expect.objectContaining({ event_id: held.id, job_id: job.id, type: 'held', reason: 'no_job' })]);
    expect(refused[0].message).toContain(`job ${job.id} was no longer there`);
    expect(await rig.redis.exists(RedisKeys.job(job.id))).toBe(0);
    expect(await rig.redis.get(RedisKeys.refusal(held.id))).not.toBeNull();
  });

  it('refuses a purge of a job put on hold after the plan was made; the job stays, held', async () => {
    const job = await makeJob(rig, 'ann');
    const e = eventsOf(job);
    const held = e.held();
    const deleted = e.deleted(job.view, 'purge');
    const acks = await publishAll(held, deleted);

    expect(await refusedOf([held, deleted], acks)).toEqual([
      expect.objectContaining({ event_id: deleted.id, reason: 'held', status: 'completed' }),
    ]);
    expect(await rig.redis.hget(RedisKeys.job(job.id), 'held')).toBe('1');
    expect(await rig.redis.exists(RedisKeys.tombstone(job.id))).toBe(0);
  });

  it('refuses a TTL expiry of a job put on hold meanwhile, but records one whose key Redis already expired', async () => {
    const heldJob = await makeJob(rig, 'ann');
    const h = eventsOf(heldJob);
    const held = h.held();
    const expired = h.deleted(heldJob.view, 'ttl');
    const goneJob = await makeJob(rig, 'ann');
    await rig.redis.del(RedisKeys.job(goneJob.id)); // Redis's own TTL, the backstop, got there first
    const backstop = eventsOf(goneJob).deleted(goneJob.view, 'ttl');
    const acks = await publishAll(held, expired, backstop);

    const refused = await refusedOf([held, expired, backstop], acks);
    expect(refused.map((r) => [r.event_id, r.reason])).toEqual([[expired.id, 'held']]);
    expect(await rig.redis.exists(RedisKeys.job(heldJob.id))).toBe(1);
  });

  it('refuses a purge of a job something else deleted first, so one disappearance is recorded once', async () => {
    const job = await makeJob(rig, 'ann');
    const e = eventsOf(job);
    const expired = e.deleted(job.view, 'ttl');
    const purged = e.deleted(job.view, 'purge', 6000);
    const acks = await publishAll(expired, purged);

    expect(await refusedOf([expired, purged], acks)).toEqual([expect.objectContaining({ event_id: purged.id, reason: 'no_job' })]);
  });

  it('refuses a second hold, a release of a job not held, and a cancel of a job that had completed', async () => {
    const job = await makeJob(rig, 'ann');
    const e = eventsOf(job);
    const first = e.held();
    const second = e.held(3550);
    const release = e.released();
    const again = e.released(3700);
    const cancel = e.cancel();
    const acks = await publishAll(first, second, release, again, cancel);

    const refused = await refusedOf([first, second, release, again, cancel], acks);
    expect(refused.map((r) => [r.event_id, r.reason])).toEqual([
      [second.id, 'unchanged'],
      [again.id, 'unchanged'],
      [cancel.id, 'status'],
    ]);
    expect(refused[2].message).toBe(`job ${job.id} had already completed`);
  });

  it('answers a hold whose event the projector refused with what happened first, not 200 and not 503', async () => {
    const job = await makeJob(rig, 'ann');
    // The purge's deletion is in JOBS but not yet applied when the hold is decided and published.
    await rig.projector.stop();
    const deleted = eventsOf(job).deleted(job.view, 'purge');
    const deletedAck = await rig.publish(deleted);
    const answer = rig.request<JobView>(Subjects.stateHold, { job_id: job.id, actor: operator, reason: 'litigation' });
    await rig.projector.start();
    await rig.projected(deletedAck.seq);

    const reply = await answer;
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.status_code).toBe(410);
    // Whether or not the hold reached JOBS, nothing of it took effect, and any held event there is refused.
    const holds = await rig.eventsOf('held', job.id);
    if (holds.length > 0) {
      await rig.projected(holds[0].seq);
      expect(await refusedOf([holds[0].event], [{ seq: holds[0].seq } as PubAck])).toHaveLength(1);
    }
    expect(await rig.redis.exists(RedisKeys.job(job.id))).toBe(0);
  });

  it('refuses a malformed verdicts request with a message', async () => {
    const reply = await rig.request(Subjects.stateVerdicts, { events: [{ id: '', seq: 0 }] });
    expect(reply).toMatchObject({ ok: false, error: { status_code: 400 } });
  });
});
