import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { contentHash, RedisKeys, StreamName, Subjects } from '@crux/contracts';
import { auditConsumerConfigs, ensureAuditConsumers, jetstream } from '@crux/messaging';
import { waitFor } from '@crux/test-harness';
import { jobContentHash, toJobHash } from '../src/domain/index.js';
import { jobEvents, operator } from './support/job-events.js';
import { startJobState, TEST_TTLS, type JobStateRig } from './support/job-state-harness.js';
import { archived, deletionsOnce, makeJob, operatorRequests, redisTraces, value } from './support/scenarios.js';

describe('purging jobs: plan, confirm, archive', () => {
  let rig: JobStateRig;
  let ops: ReturnType<typeof operatorRequests>;

  beforeAll(async () => {
    // Small batches, so a purge of a few jobs still runs in several.
    rig = await startJobState({ CRUX_PURGE_BATCH_SIZE: '2' });
    ops = operatorRequests(rig);
  });

  afterAll(async () => {
    await rig?.close();
  });

  const untilCompleted = (planId: string) =>
    waitFor(
      async () => {
        const progress = value(await ops.status(planId));
        return progress.status === 'completed' ? progress : undefined;
      },
      { what: `purge plan ${planId} to complete`, timeoutMs: 60_000 },
    );

  it('neither deletes nor erases a job put on hold after the executor read it, and counts it skipped', async () => {
    const kept = await makeJob(rig, 'rex');
    const gone = await makeJob(rig, 'rex');
    const plan = value(await ops.plan({ job_ids: [kept.id, gone.id], erase: true, reason: 'tidy up' }));
    expect(plan.count).toBe(2);
    // The hold reaches JOBS first but is not applied yet, so the executor still reads the job unheld.
    await rig.projector.stop();
    const held = await rig.publish(jobEvents(kept.id, 'rex', new Date(kept.view.created_at)).held());
    value(await ops.confirm(plan.plan_id, plan.confirm_token!));
    await deletionsOnce(rig, kept.id);
    await rig.projector.start();
    await rig.projected(held.seq);

    const done = await untilCompleted(plan.plan_id);
    expect(done).toMatchObject({ deleted: 1, skipped: 1, failed: 0 });
    expect(await rig.redis.hget(RedisKeys.job(kept.id), 'held')).toBe('1');
    expect(await rig.eventsOf('created', kept.id)).toHaveLength(1);
    expect(await rig.eventsOf('created', gone.id)).toEqual([]);
    expect(value(await ops.get(kept.id))).toMatchObject({ job_id: kept.id, held: true });
  });

  it('deletes exactly the frozen ids with one archived deletion each; held, later and unmatched jobs stay', async () => {
    const doomed = [await makeJob(rig, 'pat'), await makeJob(rig, 'pat'), await makeJob(rig, 'quinn')];
    const held = await makeJob(rig, 'pat');
    value(await ops.hold(held.id));
    const pending = await makeJob(rig, 'pat', 'pending');

    const plan = value(await ops.plan({ status: ['completed'], reason: 'tidy up' }));
    expect(plan.count).toBe(3);
    expect([...plan.sample].sort()).toEqual(doomed.map((d) => d.id).sort());
    expect(plan.confirm_token).toEqual(expect.any(String));
    expect(Date.parse(plan.expires_at)).toBeGreaterThan(Date.now());
    // The token is kept only hashed.
    const stored = await rig.redis.hgetall(RedisKeys.purgePlan(plan.plan_id));
    expect(Object.values(stored)).not.toContain(plan.confirm_token);
    expect(await rig.redis.lrange(RedisKeys.purgePlanIds(plan.plan_id), 0, -1)).toEqual(doomed.map((d) => d.id));

    const [planned] = await rig.eventsOf('purge_planned', plan.plan_id);
    expect(planned.event).toMatchObject({
      actor: operator,
      data: {
        plan_id: plan.plan_id,
        count: 3,
        erase: false,
        filter: { status: ['completed'] },
        ids_hash: contentHash(doomed.map((d) => d.id).sort()),
        reason: 'tidy up',
      },
    });

    // Created after the plan and matching its filter: not in the frozen list, so never touched.
    const later = await makeJob(rig, 'pat');

    const wrong = await ops.confirm(plan.plan_id, `${plan.confirm_token}-not`);
    expect(wrong).toEqual({
      ok: false,
      error: { status_code: 403, error: 'Forbidden', message: 'confirm token does not match this plan' },
    });
    expect(value(await ops.status(plan.plan_id)).status).toBe('planned');
    for (const d of doomed) expect(await rig.redis.exists(RedisKeys.job(d.id))).toBe(1);

    const started = value(await ops.confirm(plan.plan_id, plan.confirm_token!));
    expect(started).toMatchObject({ plan_id: plan.plan_id, status: 'running', count: 3, confirmed_by: 'olga', created_by: 'olga' });
    expect(started).not.toHaveProperty('confirm_token');
    const done = await untilCompleted(plan.plan_id);
    expect(done).toMatchObject({ deleted: 3, skipped: 0, failed: 0 });

    for (const d of doomed) {
      const deletions = await rig.deletions(d.id);
      expect(deletions).toHaveLength(1);
      const { event } = deletions[0];
      expect(event).toMatchObject({ actor: operator, data: { reason: 'purge', plan_id: plan.plan_id } });
      // Archived by reference to its history in JOBS: a few facts, no content.
      expect(event.data).toMatchObject({
        snapshot: null,
        archive: 'history',
        job: { owner: d.view.owner, status: 'completed', mode: d.view.mode, created_at: d.view.created_at, version: d.view.version },
        content_hash: jobContentHash(toJobHash(archived(d.view))),
      });
      expect(await redisTraces(rig, d.id, d.view.owner)).toEqual([]);
      expect(await ops.get(d.id)).toMatchObject({ ok: false, error: { status_code: 410, reason: 'purge', actor: operator } });
    }
    for (const kept of [held, pending, later]) {
      expect(await rig.redis.exists(RedisKeys.job(kept.id))).toBe(1);
      expect(await rig.deletions(kept.id)).toEqual([]);
    }
    const [confirmed] = await rig.eventsOf('purge_confirmed', plan.plan_id);
    expect(confirmed.event).toMatchObject({
      actor: operator,
      data: { plan_id: plan.plan_id, count: 3, ids_hash: contentHash(doomed.map((d) => d.id).sort()) },
    });
    expect(confirmed.seq).toBeLessThan((await rig.deletions(doomed[0].id))[0].seq);

    expect(await ops.confirm(plan.plan_id, plan.confirm_token!)).toMatchObject({ ok: false, error: { status_code: 409 } });
  });

  it('skips a job put on hold or gone between plan and confirm', async () => {
    const a = await makeJob(rig, 'rita');
    const b = await makeJob(rig, 'rita');
    const c = await makeJob(rig, 'rita');
    const plan = value(await ops.plan({ job_ids: [a.id, b.id, c.id] }));
    expect(plan.count).toBe(3);
    value(await ops.hold(b.id));
    await rig.redis.del(RedisKeys.job(c.id)); // gone by other means: recorded as external
    await deletionsOnce(rig, c.id);

    value(await ops.confirm(plan.plan_id, plan.confirm_token!));
    expect(await untilCompleted(plan.plan_id)).toMatchObject({ deleted: 1, skipped: 2, failed: 0 });
    expect(await rig.deletions(a.id)).toHaveLength(1);
    expect(await rig.deletions(b.id)).toEqual([]);
    const cDeletions = await rig.deletions(c.id);
    expect(cDeletions.map((d) => d.event.data.reason)).toEqual(['external']);
  });

  it('never plans a held job, even named', async () => {
    const held = await makeJob(rig, 'sam');
    value(await ops.hold(held.id));
    expect(value(await ops.plan({ job_ids: [held.id] })).count).toBe(0);
    expect(value(await ops.plan({ job_ids: [held.id], status: ['completed'], older_than_s: 0 })).sample).not.toContain(held.id);
  });

  it('erases: only the tombstone is left in JOBS, its hash still names the content, and restore answers 410', async () => {
    const job = await makeJob(rig, 'tess');
    expect((await rig.history(job.id)).length).toBeGreaterThanOrEqual(4);
    const plan = value(await ops.plan({ job_ids: [job.id], erase: true, reason: 'gdpr request' }));
    expect(plan.erase).toBe(true);
    value(await ops.confirm(plan.plan_id, plan.confirm_token!));
    expect(await untilCompleted(plan.plan_id)).toMatchObject({ deleted: 1, skipped: 0, failed: 0 });

    const history = await rig.history(job.id);
    expect(history).toHaveLength(1);
    expect(history[0].event).toMatchObject({
      type: 'deleted',
      actor: operator,
      data: {
        reason: 'erase',
        snapshot: null,
        archive: 'none',
        job: null,
        content_hash: jobContentHash(toJobHash(archived(job.view))),
        plan_id: plan.plan_id,
      },
    });
    expect(JSON.stringify(history)).not.toContain('what is six times seven');
    expect(await redisTraces(rig, job.id, 'tess')).toEqual([]);
    expect(await ops.restore(job.id)).toEqual({
      ok: false,
      error: { status_code: 410, error: 'Gone', message: `job ${job.id} was erased; its content no longer exists` },
    });
    expect(await ops.get(job.id)).toMatchObject({ ok: false, error: { status_code: 410, reason: 'erase' } });
    // An erased job's owner cannot be proven any more: a submitter's view is not found.
    expect(await ops.get(job.id, 'tess')).toMatchObject({ ok: false, error: { status_code: 404 } });
  });

  it('erases only after the audit service has read what erasing removes', async () => {
    // An audit consumer that has read nothing yet: the job's cancel/revoke history must
    // reach the trail before it leaves JOBS.
    await ensureAuditConsumers(rig.jsm);
    try {
      const job = await makeJob(rig, 'uma');
      const plan = value(await ops.plan({ job_ids: [job.id], erase: true }));
      value(await ops.confirm(plan.plan_id, plan.confirm_token!));
      await waitFor(async () => (await rig.eventsOf('deleted', job.id)).length === 1, { what: 'the tombstone' });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await rig.history(job.id)).length).toBeGreaterThan(1);
      expect(value(await ops.status(plan.plan_id)).status).toBe('running');

      // The audit service catches up: everything it was sent is acked, on each of its consumers.
      for (const { durable_name } of auditConsumerConfigs()) {
        if ((await rig.jsm.consumers.info(StreamName.Jobs, durable_name)).num_pending === 0) continue;
        const audit = await jetstream(rig.nc).consumers.get(StreamName.Jobs, durable_name);
        for (;;) {
          const msg = await audit.next({ expires: 1000 });
          if (!msg) break;
          msg.ack();
          if (msg.info.pending === 0) break;
        }
      }
      await untilCompleted(plan.plan_id);
      expect(await rig.history(job.id)).toHaveLength(1);
    } finally {
      for (const { durable_name } of auditConsumerConfigs()) await rig.jsm.consumers.delete(StreamName.Jobs, durable_name);
    }
  });

  it('refuses a plan without filters, and answers 404 for plans it does not know', async () => {
    expect(await ops.plan({})).toMatchObject({ ok: false, error: { status_code: 400 } });
    expect(await ops.status(randomUUID())).toMatchObject({ ok: false, error: { status_code: 404 } });
    expect(await ops.confirm(randomUUID(), 'anything')).toMatchObject({ ok: false, error: { status_code: 404 } });
  });

  it('resumes a confirmed purge after a restart, publishing no deletion twice', async () => {
    const jobs = await Promise.all(Array.from({ length: 9 }, () => makeJob(rig, 'uma')));
    const plan = value(await ops.plan({ job_ids: jobs.map((j) => j.id) }));
    // Confirmed by one replica that stopped before executing anything.
    await rig.stopService();
    await rig.redis.hset(RedisKeys.purgePlan(plan.plan_id), 'status', 'running', 'confirmed_by', JSON.stringify(operator));
    await rig.redis.sadd(RedisKeys.purgesRunning, plan.plan_id);
    await rig.startService();
    expect(await untilCompleted(plan.plan_id)).toMatchObject({ deleted: 9, skipped: 0, failed: 0, confirmed_by: 'olga' });
    for (const j of jobs) expect(await rig.deletions(j.id)).toHaveLength(1);
    expect(await rig.eventsOf('purge_confirmed', plan.plan_id)).toHaveLength(1);
  });
});

describe('restore, hold and 410 Gone', () => {
  let rig: JobStateRig;
  let ops: ReturnType<typeof operatorRequests>;

  beforeAll(async () => {
    rig = await startJobState();
    ops = operatorRequests(rig);
  });

  afterAll(async () => {
    await rig?.close();
  });

  async function purge(jobId: string) {
    const plan = value(await ops.plan({ job_ids: [jobId] }));
    value(await ops.confirm(plan.plan_id, plan.confirm_token!));
    const [deletion] = await deletionsOnce(rig, jobId);
    await rig.projected(deletion.seq);
    return deletion;
  }

  it('answers 410 with when, why and by whom for a deleted job, 404 for one never seen', async () => {
    const job = await makeJob(rig, 'vic');
    const deletion = await purge(job.id);
    expect(await ops.get(job.id)).toEqual({
      ok: false,
      error: {
        status_code: 410,
        error: 'Gone',
        message: `job ${job.id} was deleted (purge) at ${deletion.event.occurred_at} by olga`,
        deleted_at: deletion.event.occurred_at,
        reason: 'purge',
        actor: operator,
      },
    });
    // Its owner sees the same; anybody else sees nothing.
    expect(await ops.get(job.id, 'vic')).toMatchObject({ ok: false, error: { status_code: 410 } });
    expect(await ops.get(job.id, 'mallory')).toMatchObject({ ok: false, error: { status_code: 404 } });
    const never = randomUUID();
    expect(await ops.get(never)).toEqual({ ok: false, error: { status_code: 404, error: 'Not Found', message: `job ${never} not found` } });
  });

  it('does not resurrect a deleted job when its created is replayed', async () => {
    const job = await makeJob(rig, 'wes', 'pending');
    await purge(job.id);
    const [created] = await rig.eventsOf('created', job.id);
    // The same event again under a new id: a publish retried past the duplicate window.
    const replay = await rig.publish({ ...created.event, id: randomUUID() });
    await rig.projected(replay.seq);
    expect(await rig.redis.exists(RedisKeys.job(job.id))).toBe(0);
    expect(await ops.get(job.id)).toMatchObject({ ok: false, error: { status_code: 410 } });
  });

  it('restores a deleted job from its archive, with indexes and a fresh TTL; 409 while it lives', async () => {
    const job = await makeJob(rig, 'xena');
    const deletion = await purge(job.id);
    const restored = value(await ops.restore(job.id));
    const [restoredEvent] = await rig.eventsOf('restored', job.id);
    expect(restoredEvent.event).toMatchObject({
      actor: operator,
      data: {
        from_event_id: deletion.event.id,
        snapshot: archived(job.view),
        reason: 'spec',
        content_hash: deletion.event.data.content_hash,
      },
    });
    expect(restored).toEqual({ ...archived(job.view), version: restoredEvent.seq, ttl_s: expect.any(Number) });
    expect(restored.ttl_s).toBeGreaterThan(Number(TEST_TTLS.CRUX_TTL_COMPLETED_S) - 100);
    expect(value(await ops.get(job.id, 'xena'))).toMatchObject({ job_id: job.id, status: 'completed', result: job.view.result });
    expect((await redisTraces(rig, job.id, 'xena')).sort()).toEqual(
      [RedisKeys.job(job.id), RedisKeys.byCreated, RedisKeys.byOwner('xena'), RedisKeys.expiry, RedisKeys.byStatus('completed')].sort(),
    );
    expect(await rig.redis.ttl(RedisKeys.job(job.id))).toBeGreaterThan(Number(TEST_TTLS.CRUX_TTL_COMPLETED_S));
    expect(await rig.redis.exists(RedisKeys.tombstone(job.id))).toBe(0);

    expect(await ops.restore(job.id)).toMatchObject({ ok: false, error: { status_code: 409 } });
    expect(await ops.restore(randomUUID())).toMatchObject({ ok: false, error: { status_code: 404 } });
    expect(await rig.eventsOf('restored', job.id)).toHaveLength(1);
  });

  it('restores a purged job exactly as it was, rebuilt from its history in JOBS', async () => {
    const job = await makeJob(rig, 'xavi', 'running');
    value(await ops.hold(job.id));
    value(await ops.release(job.id));
    const e = jobEvents(job.id, 'xavi', new Date(job.view.created_at));
    await rig.publish(e.progress(0.75, 2500));
    const ack = await rig.publish(e.completed(4000));
    await rig.projected(ack.seq);
    const before = value(await ops.get(job.id));
    expect(before).toMatchObject({ status: 'completed', progress: 1, held: false, version: ack.seq });

    const deletion = await purge(job.id);
    expect(deletion.event.data).toMatchObject({ archive: 'history', snapshot: null, job: { version: before.version } });
    const restored = value(await ops.restore(job.id));
    const { ttl_s: _a, version: _b, ...content } = before;
    expect(restored).toEqual({ ...content, version: expect.any(Number), ttl_s: expect.any(Number) });
    expect(value(await ops.get(job.id, 'xavi'))).toEqual({ ...content, version: restored.version, ttl_s: expect.any(Number) });
  });

  it('purges a job created more than half the retention ago with its snapshot, and restores it from that', async () => {
    const id = randomUUID();
    const e = jobEvents(id, 'yael', new Date(Date.now() - 2 * 3600_000)); // the rig keeps JOBS for an hour
    await rig.publish(e.created());
    await rig.publish(e.started());
    await rig.projected((await rig.publish(e.completed())).seq);
    const view = value(await ops.get(id));
    const deletion = await purge(id);
    expect(deletion.event.data).toMatchObject({
      archive: 'snapshot',
      snapshot: archived(view),
      job: { version: view.version },
      content_hash: jobContentHash(toJobHash(archived(view))),
    });
    expect(value(await ops.restore(id))).toEqual({ ...archived(view), version: expect.any(Number), ttl_s: expect.any(Number) });
  });

  it('restores from the snapshot an older deletion carries', async () => {
    const job = await makeJob(rig, 'yann');
    const legacy = jobEvents(job.id, 'yann').deleted(archived(job.view));
    const ack = await rig.publish(legacy);
    await rig.projected(ack.seq);
    expect(await rig.redis.exists(RedisKeys.job(job.id))).toBe(0);
    const restored = value(await ops.restore(job.id));
    expect(restored).toEqual({ ...archived(job.view), version: expect.any(Number), ttl_s: expect.any(Number) });
    const [restoredEvent] = await rig.eventsOf('restored', job.id);
    expect(restoredEvent.event.data).toMatchObject({
      from_event_id: legacy.id,
      content_hash: jobContentHash(toJobHash(archived(job.view))),
    });
  });

  it('answers 404 once the history a deletion refers to has left JOBS', async () => {
    const job = await makeJob(rig, 'zoe');
    const deletion = await purge(job.id);
    // What retention does to the job's oldest events.
    await rig.jsm.streams.purge(StreamName.Jobs, { filter: Subjects.jobHistory(job.id), seq: deletion.seq });
    expect(await ops.restore(job.id)).toEqual({
      ok: false,
      error: {
        status_code: 404,
        error: 'Not Found',
        message: `job ${job.id} has no archived copy within retention: its history in JOBS no longer reaches its creation`,
      },
    });
    expect(await ops.get(job.id)).toMatchObject({ ok: false, error: { status_code: 410, reason: 'purge' } });
    expect(await rig.eventsOf('restored', job.id)).toEqual([]);
  });

  it('holds a job: no TTL, out of the expiry index and every plan, kept through status events; release puts the TTL back', async () => {
    const job = await makeJob(rig, 'yuri', 'running');
    const held = value(await ops.hold(job.id));
    expect(held).toMatchObject({ job_id: job.id, held: true, ttl_s: null });
    expect(await rig.redis.ttl(RedisKeys.job(job.id))).toBe(-1);
    expect(await rig.redis.zscore(RedisKeys.expiry, job.id)).toBeNull();
    expect(await ops.hold(job.id)).toMatchObject({ ok: false, error: { status_code: 409 } });

    // A status event while held sets no TTL.
    const [created] = await rig.eventsOf('created', job.id);
    const ack = await rig.publish(jobEvents(job.id, 'yuri', new Date(created.event.occurred_at)).completed());
    await rig.projected(ack.seq);
    expect(value(await ops.get(job.id))).toMatchObject({ status: 'completed', held: true, ttl_s: null });
    expect(await rig.redis.ttl(RedisKeys.job(job.id))).toBe(-1);
    expect(value(await ops.plan({ status: ['completed', 'running', 'pending'] })).sample).not.toContain(job.id);

    const released = value(await ops.release(job.id));
    expect(released).toMatchObject({ held: false, status: 'completed' });
    expect(released.ttl_s).toBeGreaterThan(Number(TEST_TTLS.CRUX_TTL_COMPLETED_S) - 100);
    expect(await rig.redis.zscore(RedisKeys.expiry, job.id)).not.toBeNull();
    expect(await rig.redis.ttl(RedisKeys.job(job.id))).toBeGreaterThan(Number(TEST_TTLS.CRUX_TTL_COMPLETED_S));
    expect(await ops.release(job.id)).toMatchObject({ ok: false, error: { status_code: 409 } });
    const [heldEvent] = await rig.eventsOf('held', job.id);
    expect(heldEvent.event).toMatchObject({ actor: operator, data: { reason: 'spec' } });
  });

  it('answers a hold of an unknown job 404 and of a deleted one 410', async () => {
    expect(await ops.hold(randomUUID())).toMatchObject({ ok: false, error: { status_code: 404 } });
    const job = await makeJob(rig, 'zed');
    await purge(job.id);
    expect(await ops.hold(job.id)).toMatchObject({ ok: false, error: { status_code: 410, reason: 'purge' } });
  });
});
