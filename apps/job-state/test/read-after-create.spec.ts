import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { RedisKeys, Subjects, type GetManyJobsReply, type JobView, type Reply } from '@crux/contracts';
import { waitFor } from '@crux/test-harness';
import { jobEvents, operator } from './support/job-events.js';
import { startJobState, type JobStateRig } from './support/job-state-harness.js';

/** How many jobs are asked about the moment their `created` is stored: the race is narrow, so many. */
const TRIES = 300;

describe('a job whose created is in JOBS is never unknown', () => {
  let rig: JobStateRig;

  const get = (jobId: string, owner?: string) =>
    rig.request<JobView>(Subjects.stateGet, owner ? { job_id: jobId, owner } : { job_id: jobId });
  const command = (subject: string, jobId: string) => rig.request<JobView>(subject, { actor: operator, job_id: jobId, reason: 'test' });
  const answer = (reply: Reply<unknown>) => (reply.ok ? 200 : reply.error.status_code);

  beforeAll(async () => {
    rig = await startJobState();
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('answers get and get_many asked the moment each created is stored, while the projector applies it', async () => {
    // The projector runs: a request can read Redis just before the created is applied and the
    // projector's position just after, which job-state used to take for "never seen" (404).
    const wrong: string[] = [];
    for (let i = 0; i < TRIES; i++) {
      const id = randomUUID();
      await rig.publish(jobEvents(id, 'alice').created());
      if (i % 2 === 0) {
        const reply = await get(id, 'alice');
        if (!reply.ok || reply.value.job_id !== id) wrong.push(`get ${id}: ${JSON.stringify(reply)}`);
      } else {
        const reply = await rig.request<GetManyJobsReply>(Subjects.stateGetMany, { job_ids: [id] });
        if (!reply.ok || reply.value.jobs[id] === null) wrong.push(`get_many ${id}: ${JSON.stringify(reply)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('refuses to restore a job created but not projected yet as live (409), not as having no archive (404)', async () => {
    await rig.projector.stop();
    try {
      const id = randomUUID();
      await rig.publish(jobEvents(id, 'bob').created());
      const reply = await command(Subjects.stateRestore, id);
      expect(reply).toMatchObject({
        ok: false,
        error: { status_code: 409, message: `job ${id} is live; only a deleted job can be restored` },
      });
    } finally {
      await rig.projector.start();
    }
  });

  it('answers 503 for a projected job whose key vanished before its deletion is recorded, then 410', async () => {
    const id = randomUUID();
    const ack = await rig.publish(jobEvents(id, 'carol').created());
    await rig.projected(ack.seq);
    // Deletion detection held back: the key is gone and nothing in JOBS says so yet.
    await rig.detector.stop();
    try {
      await rig.redis.del(RedisKeys.job(id));
      const reply = await get(id, 'carol');
      expect(reply).toMatchObject({ ok: false, error: { status_code: 503, error: 'Service Unavailable' } });
      expect(reply.ok ? '' : reply.error.message).toMatch(new RegExp(`job ${id} is in the event log but missing from the live state`));
      // Another owner still cannot tell it from an unknown job.
      expect(await get(id, 'dave')).toMatchObject({ ok: false, error: { status_code: 404 } });
      expect(answer(await command(Subjects.stateHold, id))).toBe(503);
      expect(answer(await command(Subjects.stateRestore, id))).toBe(503);
      expect(await rig.history(id)).toHaveLength(1); // neither command published anything
    } finally {
      await rig.detector.start();
    }
    await waitFor(async () => (await rig.deletions(id)).length > 0, { what: `the deletion of ${id} to be recorded`, timeoutMs: 30_000 });
    await waitFor(async () => answer(await get(id, 'carol')) === 410, { what: `job ${id} to answer 410`, timeoutMs: 30_000 });
  });

  it('still answers 404 for an id JOBS has never seen', async () => {
    const id = randomUUID();
    expect(await get(id)).toEqual({ ok: false, error: { status_code: 404, error: 'Not Found', message: `job ${id} not found` } });
  });
});
