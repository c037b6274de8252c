import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  RedisKeys,
  Subjects,
  type GetJobRequest,
  type GetManyJobsReply,
  type GetManyJobsRequest,
  type JobView,
  type ListJobsReply,
  type ListJobsRequest,
  type Reply,
} from '@crux/contracts';
import { waitFor } from '@crux/test-harness';
import { jobEvents } from './support/job-events.js';
import { startJobState, type JobStateRig } from './support/job-state-harness.js';

describe('job.state.get and job.state.list over NATS', () => {
  let rig: JobStateRig;
  const alice: string[] = []; // newest first
  const bobId = randomUUID();
  let lastSeq = 0;

  const get = (request: GetJobRequest) => rig.request<JobView>(Subjects.stateGet, request);
  const getMany = (request: GetManyJobsRequest) => rig.request<GetManyJobsReply>(Subjects.stateGetMany, request);
  const list = (request: ListJobsRequest) => rig.request<ListJobsReply>(Subjects.stateList, request);
  const value = <T>(reply: Reply<T>): T => {
    if (!reply.ok) throw new Error(`expected ok, got ${JSON.stringify(reply.error)}`);
    return reply.value;
  };

  beforeAll(async () => {
    rig = await startJobState();
    // 25 jobs for alice: groups of five share a creation millisecond, so pages split ties.
    const base = Date.now() - 60_000;
    const created: { id: string; at: number }[] = [];
    for (let i = 0; i < 25; i++) {
      const id = randomUUID();
      const at = base + Math.floor(i / 5) * 1000;
      created.push({ id, at });
      const events = jobEvents(id, 'alice', new Date(at));
      lastSeq = (await rig.publish(events.created())).seq;
      if (i % 3 === 0) lastSeq = (await rig.publish(events.started())).seq;
    }
    const bob = jobEvents(bobId, 'bob', new Date(base + 30_000));
    await rig.publish(bob.created());
    await rig.publish(bob.started());
    lastSeq = (await rig.publish(bob.completed())).seq;
    await rig.projected(lastSeq);
    // Newest first: later creation time, then id descending within one millisecond.
    created.sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1));
    alice.push(...created.map((c) => c.id));
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('answers a job to its owner, with its TTL', async () => {
    const view = value(await get({ job_id: bobId, owner: 'bob' }));
    expect(view).toMatchObject({ job_id: bobId, status: 'completed', owner: 'bob', progress: 1, current_phase: 'completed' });
    expect(view.result).toEqual(jobEvents(bobId).result);
    expect(view.ttl_s).toBeGreaterThan(4900);
    expect(view.started_at).not.toBeNull();
  });

  it('answers any job when no owner is given (services asking)', async () => {
    expect(value(await get({ job_id: alice[0] })).owner).toBe('alice');
  });

  it("answers another owner's job exactly like an unknown one", async () => {
    const unknown = randomUUID();
    expect(await get({ job_id: bobId, owner: 'alice' })).toEqual({
      ok: false,
      error: { status_code: 404, error: 'Not Found', message: `job ${bobId} not found` },
    });
    expect(await get({ job_id: unknown, owner: 'alice' })).toEqual({
      ok: false,
      error: { status_code: 404, error: 'Not Found', message: `job ${unknown} not found` },
    });
  });

  it('pages through 25 jobs newest first, 10 at a time, without repeats or gaps', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = value(await list({ owner: 'alice', limit: 10, cursor }));
      sizes.push(page.jobs.length);
      seen.push(...page.jobs.map((j) => j.job_id));
      if (!page.next_cursor) break;
      cursor = page.next_cursor;
    }
    expect(sizes).toEqual([10, 10, 5]);
    expect(seen).toEqual(alice);
  });

  it('lists everyone when no owner is given', async () => {
    const page = value(await list({ limit: 100 }));
    expect(page.jobs.map((j) => j.job_id).sort()).toEqual([...alice, bobId].sort());
    expect(page.next_cursor).toBeNull();
  });

  it('filters by status, alone and with an owner', async () => {
    const running = value(await list({ status: 'running', limit: 100 })).jobs;
    expect(running.every((j) => j.status === 'running' && j.owner === 'alice')).toBe(true);
    expect(running).toHaveLength(9); // i % 3 === 0 for i in 0..24

    const aliceRunning: string[] = [];
    let cursor: string | undefined;
    do {
      const page = value(await list({ owner: 'alice', status: 'running', limit: 4, cursor }));
      expect(page.jobs.length).toBeLessThanOrEqual(4);
      aliceRunning.push(...page.jobs.map((j) => j.job_id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(aliceRunning).toEqual(running.map((j) => j.job_id));

    expect(value(await list({ owner: 'bob', status: 'running', limit: 10 }))).toEqual({ jobs: [], next_cursor: null });
    expect(value(await list({ owner: 'bob', status: 'completed', limit: 10 })).jobs.map((j) => j.job_id)).toEqual([bobId]);
  });

  it('refuses a bad cursor or limit with a 400 that says what is wrong', async () => {
    const bad = await list({ limit: 10, cursor: 'not-ours!' });
    expect(bad).toMatchObject({ ok: false, error: { status_code: 400, error: 'Bad Request' } });
    expect(bad.ok ? '' : bad.error.message).toMatch(/cursor is not valid/);
    expect(await list({ limit: 0 })).toMatchObject({ ok: false, error: { status_code: 400 } });
    expect(await list({ limit: 101 })).toMatchObject({ ok: false, error: { status_code: 400 } });
  });

  it('skips a job whose key was removed outside Crux, then records it as deleted (external) and unindexes it', async () => {
    const id = randomUUID();
    const ack = await rig.publish(jobEvents(id, 'carol').created());
    await rig.projected(ack.seq);
    expect(value(await list({ owner: 'carol', limit: 10 })).jobs.map((j) => j.job_id)).toEqual([id]);

    await rig.redis.del(RedisKeys.job(id));
    expect(value(await list({ owner: 'carol', limit: 10 }))).toEqual({ jobs: [], next_cursor: null });
    const [deletion] = await waitFor(
      async () => {
        const found = await rig.deletions(id);
        return found.length > 0 ? found : undefined;
      },
      { what: `the deletion of ${id} to be recorded`, timeoutMs: 30_000 },
    );
    expect(deletion.event.data).toMatchObject({
      reason: 'external',
      plan_id: null,
      snapshot: { job_id: id, owner: 'carol', status: 'pending' },
    });
    await rig.projected(deletion.seq);
    for (const index of [RedisKeys.byOwner('carol'), RedisKeys.byCreated, RedisKeys.byStatus('pending'), RedisKeys.expiry]) {
      expect(await rig.redis.zscore(index, id)).toBeNull();
    }
    // Projected and then gone: 410 for whoever may see it, not a pending ghost from the stream.
    expect(await get({ job_id: id })).toMatchObject({ ok: false, error: { status_code: 410, reason: 'external' } });
    expect(await get({ job_id: id, owner: 'dave' })).toMatchObject({ ok: false, error: { status_code: 404 } });
  });

  it('answers a job created but not yet projected as pending (read-your-writes)', async () => {
    await rig.projector.stop();
    try {
      const id = randomUUID();
      const created = jobEvents(id, 'dave').created();
      const ack = await rig.publish(created);
      expect(await rig.redis.exists(RedisKeys.job(id))).toBe(0);

      const view = value(await get({ job_id: id, owner: 'dave' }));
      expect(view).toMatchObject({
        job_id: id,
        status: 'pending',
        owner: 'dave',
        created_at: created.occurred_at,
        progress: 0,
        version: ack.seq,
        request: created.data.request,
      });
      expect(await get({ job_id: id, owner: 'erin' })).toMatchObject({ ok: false, error: { status_code: 404 } });

      await rig.projector.start();
      await rig.projected(ack.seq);
      const projected = value(await get({ job_id: id, owner: 'dave' }));
      const { ttl_s: ttlProjected, ...storedView } = projected;
      const { ttl_s: _ttlEarly, ...earlyView } = view;
      expect(storedView).toEqual(earlyView);
      expect(ttlProjected).toBeGreaterThan(900);
    } finally {
      await rig.projector.start();
    }
  });

  it('answers several jobs at once, as job.state.get would for each: live, not yet projected, deleted, never seen', async () => {
    const goneId = randomUUID();
    const gone = jobEvents(goneId, 'frank');
    await rig.projected((await rig.publish(gone.created())).seq);
    const snapshot = value(await get({ job_id: goneId }));
    await rig.projected((await rig.publish(gone.deleted(snapshot))).seq);
    expect(await get({ job_id: goneId })).toMatchObject({ ok: false, error: { status_code: 410 } });

    await rig.projector.stop();
    try {
      const newId = randomUUID();
      await rig.publish(jobEvents(newId, 'frank').created());
      const unknownId = randomUUID();
      const aliceStatus = value(await get({ job_id: alice[0] })).status;

      const reply = value(await getMany({ job_ids: [bobId, newId, goneId, unknownId, bobId, alice[0]] }));
      expect(reply).toEqual({
        jobs: {
          [bobId]: { status: 'completed' },
          [newId]: { status: 'pending' },
          [goneId]: { gone: true },
          [unknownId]: null,
          [alice[0]]: { status: aliceStatus },
        },
      });
    } finally {
      await rig.projector.start();
    }
  });

  it('refuses a get_many without ids, or with too many, with a 400', async () => {
    expect(await getMany({ job_ids: [] })).toMatchObject({ ok: false, error: { status_code: 400 } });
    expect(await getMany({ job_ids: Array.from({ length: 101 }, () => randomUUID()) })).toMatchObject({
      ok: false,
      error: { status_code: 400 },
    });
  });
});
