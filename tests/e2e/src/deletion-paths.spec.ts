/**
 * Every way a job can disappear, through the whole system: each leaves exactly one trail
 * record with the right actor and reason, and the API answers 410 Gone afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { RedisKeys, type AuditRecord, type JobDeletedData, type EventEnvelope } from '@crux/contracts';
import { CruxSystem, TEST_KEYS, waitFor } from '@crux/test-harness';
import { jobEvents } from './support/job-events.js';
import { getJob, submit, waitForStatus } from './support/jobs.js';
import { trailOf } from './support/trail.js';

const { alice, ops, auditor } = TEST_KEYS;
const post = (body: unknown): RequestInit => ({ method: 'POST', body: JSON.stringify(body) });

async function completedJob(system: CruxSystem, question: string): Promise<string> {
  const { job_id } = await submit(system, alice, 'basic', { question, n_iters: 1 });
  await waitForStatus(system, alice, job_id, ['completed']);
  return job_id;
}

async function plan(system: CruxSystem, body: Record<string, unknown>) {
  const response = await system.request('/api/v1/admin/purges', ops, post(body));
  const json = (await response.json()) as { plan_id: string; count: number; confirm_token: string; sample: string[]; expires_at: string };
  if (response.status !== 201) throw new Error(`plan answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

async function confirmAndWait(system: CruxSystem, planId: string, token: string) {
  const response = await system.request(`/api/v1/admin/purges/${planId}/confirm`, ops, post({ confirm_token: token }));
  expect(response.status).toBe(202);
  return waitFor(
    async () => {
      const progress = (await (await system.request(`/api/v1/admin/purges/${planId}`, ops)).json()) as {
        status: string;
        deleted: number;
        skipped: number;
      };
      return progress.status === 'completed' ? progress : undefined;
    },
    { what: `purge ${planId} to complete`, timeoutMs: 30_000 },
  );
}

function onlyRecord(records: AuditRecord[], action: string): AuditRecord {
  const matching = records.filter((r) => r.action === action);
  expect(matching).toHaveLength(1);
  return matching[0];
}

describe('deletion paths and the trail', () => {
  let system: CruxSystem;
  let redis: Redis;

  beforeAll(async () => {
    system = await CruxSystem.start({
      services: { 'job-state': 1, audit: 1, worker: 1, gateway: 1 },
      env: { CRUX_SIMULATED_LATENCY_MS: '5' },
    });
    redis = new Redis(system.redis.url);
  });

  afterAll(async () => {
    redis?.disconnect();
    await system?.stop();
  });

  it('purges exactly the planned jobs after a typed confirmation, archiving each, and answers 410 after', async () => {
    const a = await completedJob(system, 'purge a');
    const b = await completedJob(system, 'purge b');
    const held = await completedJob(system, 'held, never purged');
    expect(
      (await system.request(`/api/v1/admin/jobs/${held}/hold`, ops, { method: 'PUT', body: JSON.stringify({ reason: 'litigation' }) }))
        .status,
    ).toBe(200);

    const p = await plan(system, { job_ids: [a, b, held], reason: 'cleanup' });
    expect(p.count).toBe(2);
    expect(p.sample.sort()).toEqual([a, b].sort());

    const wrong = await system.request(`/api/v1/admin/purges/${p.plan_id}/confirm`, ops, post({ confirm_token: 'not-the-token' }));
    expect(wrong.status).toBe(403);
    expect(await redis.exists(RedisKeys.job(a))).toBe(1);

    const done = await confirmAndWait(system, p.plan_id, p.confirm_token);
    expect(done.deleted).toBe(2);
    expect(await redis.exists(RedisKeys.job(a), RedisKeys.job(b))).toBe(0);
    expect(await redis.exists(RedisKeys.job(held))).toBe(1);

    const gone = await getJob(system, alice, a);
    expect(gone.status).toBe(410);
    expect(gone.body).toMatchObject({ reason: 'purge', actor: { kind: 'user', id: 'ops' } });
    expect((gone.body as unknown as { deleted_at: string }).deleted_at).toEqual(expect.any(String));

    const deleted = (await jobEvents(system.nats.url, a)).find((e) => e.type === 'deleted') as EventEnvelope<'deleted', JobDeletedData>;
    // Archived by reference to the job's own events in JOBS: no copy of its content.
    expect(deleted.data).toMatchObject({ archive: 'history', snapshot: null, job: { owner: 'alice', status: 'completed' } });

    const record = await waitFor(async () => (await trailOf(system, a)).find((r) => r.action === 'deleted'), { what: 'trail record' });
    expect(record).toMatchObject({ reason: 'purge', actor: { kind: 'user', id: 'ops' }, content_hash: deleted.data.content_hash });
    expect(JSON.stringify(record)).not.toContain('purge a');
    const planTrail = await waitFor(
      async () => {
        const records = await trailOf(system, p.plan_id);
        return records.length >= 2 ? records : undefined;
      },
      { what: 'plan records' },
    );
    expect(planTrail.map((r) => r.action).sort()).toEqual(['purge_confirmed', 'purge_planned']);
    expect((await getJob(system, ops, held)).status).toBe(200);
  });

  it('never deletes with an expired token, nor jobs created after the plan', async () => {
    const before = await completedJob(system, 'old enough');
    const p = await plan(system, { status: ['completed'], older_than: 0 });
    const after = await completedJob(system, 'created after the plan');
    const done = await confirmAndWait(system, p.plan_id, p.confirm_token);
    expect(done.deleted).toBeGreaterThanOrEqual(1);
    expect((await getJob(system, alice, before)).status).toBe(410);
    expect((await getJob(system, alice, after)).status).toBe(200);
  });

  it('restores a purged job from its archive, once, named by the same content hash, and refuses to restore a live one', async () => {
    const id = await completedJob(system, 'bring me back');
    const p = await plan(system, { job_ids: [id] });
    await confirmAndWait(system, p.plan_id, p.confirm_token);
    expect((await getJob(system, alice, id)).status).toBe(410);

    const restored = await system.request(`/api/v1/admin/jobs/${id}/restore`, ops, post({ reason: 'mistake' }));
    expect(restored.status).toBe(200);
    const job = await getJob(system, alice, id);
    expect(job.status).toBe(200);
    expect(job.body.status).toBe('completed');
    expect(job.body.result?.output).toEqual(expect.any(String));
    expect((await system.request(`/api/v1/admin/jobs/${id}/restore`, ops, post({}))).status).toBe(409);
    const record = await waitFor(async () => (await trailOf(system, id)).find((r) => r.action === 'restored'), { what: 'restored record' });
    expect(record.actor).toEqual({ kind: 'user', id: 'ops' });
    const deletion = (await trailOf(system, id)).find((r) => r.action === 'deleted');
    expect(record.content_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(record.content_hash).toBe(deletion?.content_hash);
  });

  it('erases a job: content gone from the event log, tombstone kept, restore refused with 410', async () => {
    const id = await completedJob(system, 'erase my secret question');
    const p = await plan(system, { job_ids: [id], erase: true });
    await confirmAndWait(system, p.plan_id, p.confirm_token);
    const events = await jobEvents(system.nats.url, id);
    expect(events.map((e) => e.type)).toEqual(['deleted']);
    expect(JSON.stringify(events)).not.toContain('erase my secret question');
    expect((await system.request(`/api/v1/admin/jobs/${id}/restore`, ops, post({}))).status).toBe(410);
    const record = await waitFor(async () => (await trailOf(system, id)).find((r) => r.action === 'deleted'), { what: 'erase record' });
    expect(record.reason).toBe('erase');
  });

  it("records a key removed behind Crux's back (redis-cli DEL) as an external deletion", async () => {
    const id = await completedJob(system, 'deleted out of band');
    await redis.del(RedisKeys.job(id));
    const record = await waitFor(async () => (await trailOf(system, id)).find((r) => r.action === 'deleted'), { what: 'external record' });
    expect(record.reason).toBe('external');
    expect(record.actor.kind).toBe('system');
    const deleted = (await jobEvents(system.nats.url, id)).find((e) => e.type === 'deleted') as EventEnvelope<'deleted', JobDeletedData>;
    expect(deleted.data.snapshot?.job_id).toBe(id);
    expect((await getJob(system, alice, id)).status).toBe(410);
  });

  it('records a cancel once, with its actor and reason', async () => {
    const { job_id } = await submit(system, alice, 'basic', { question: 'cancel me', n_iters: 50 });
    expect(
      (await system.request(`/api/v1/jobs/${job_id}`, alice, { method: 'DELETE', body: JSON.stringify({ reason: 'wrong question' }) }))
        .status,
    ).toBe(202);
    const records = await waitFor(
      async () => {
        const trail = await trailOf(system, job_id);
        return trail.some((r) => r.action === 'revoked') ? trail : undefined;
      },
      { what: 'cancel and revoke records' },
    );
    expect(onlyRecord(records, 'cancel')).toMatchObject({ actor: { kind: 'user', id: 'alice' }, reason: 'wrong question' });
    expect(records.filter((r) => r.action === 'revoked').length).toBeGreaterThanOrEqual(1);
  });

  it('keeps the trail verifiable, readable by auditors and operators only', async () => {
    const verdict = (await (await system.request('/api/v1/audit/verify', auditor)).json()) as { ok: boolean; records_checked: number };
    expect(verdict.ok).toBe(true);
    expect(verdict.records_checked).toBeGreaterThan(5);
    expect((await system.request('/api/v1/audit', alice)).status).toBe(403);
    expect((await system.request('/api/v1/admin/purges', alice, post({ status: ['completed'] }))).status).toBe(403);
    expect((await system.request('/api/v1/admin/purges', auditor, post({ status: ['completed'] }))).status).toBe(403);
    expect((await getJob(system, alice, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});

describe('TTL expiry', () => {
  let ttlSystem: CruxSystem;
  let ttlRedis: Redis;

  beforeAll(async () => {
    ttlSystem = await CruxSystem.start({
      services: { 'job-state': 1, audit: 1, worker: 1, gateway: 1 },
      env: { CRUX_SIMULATED_LATENCY_MS: '5', CRUX_TTL_COMPLETED_S: '3', CRUX_EXPIRY_SWEEP_MS: '100', CRUX_EXPIRY_GRACE_S: '2' },
    });
    ttlRedis = new Redis(ttlSystem.redis.url);
  });

  afterAll(async () => {
    ttlRedis?.disconnect();
    await ttlSystem?.stop();
  });

  it('records a TTL expiry with the last snapshot, and a held job survives its TTL', async () => {
    const expiring = await completedJob(ttlSystem, 'short-lived');
    const held = await completedJob(ttlSystem, 'held past its TTL');
    expect((await ttlSystem.request(`/api/v1/admin/jobs/${held}/hold`, ops, { method: 'PUT', body: '{}' })).status).toBe(200);
    expect(await ttlRedis.ttl(RedisKeys.job(held))).toBe(-1);

    const record = await waitFor(async () => (await trailOf(ttlSystem, expiring)).find((r) => r.action === 'deleted'), {
      what: 'ttl record',
      timeoutMs: 20_000,
    });
    expect(record).toMatchObject({ reason: 'ttl', actor: { kind: 'system', id: 'job-state' } });
    const deleted = (await jobEvents(ttlSystem.nats.url, expiring)).find((e) => e.type === 'deleted') as EventEnvelope<
      'deleted',
      JobDeletedData
    >;
    expect(deleted.data.snapshot?.status).toBe('completed');
    expect((await getJob(ttlSystem, alice, expiring)).status).toBe(410);

    expect((await getJob(ttlSystem, ops, held)).status).toBe(200);
    expect((await ttlSystem.request(`/api/v1/admin/jobs/${held}/hold`, ops, { method: 'DELETE' })).status).toBe(200);
    const trail = await waitFor(
      async () => {
        const records = await trailOf(ttlSystem, held);
        return records.some((r) => r.action === 'deleted') ? records : undefined;
      },
      { what: 'the released job to expire', timeoutMs: 20_000 },
    );
    expect(trail.map((r) => r.action)).toEqual(['held', 'released', 'deleted']);
  });

  it('records expiries that happened while job-state was stopped once it is back', async () => {
    const id = await completedJob(ttlSystem, 'expires while job-state is down');
    await ttlSystem.service('job-state-1').stop();
    // Redis's own TTL (3 s + 2 s grace) fires while nobody watches.
    await waitFor(async () => (await ttlRedis.exists(RedisKeys.job(id))) === 0, { what: 'Redis to expire the key', timeoutMs: 20_000 });
    await ttlSystem.restartService('job-state-1');
    const record = await waitFor(async () => (await trailOf(ttlSystem, id)).find((r) => r.action === 'deleted'), {
      what: 'the missed expiry to be recorded',
      timeoutMs: 30_000,
    });
    expect(record.reason).toBe('ttl');
    const deleted = (await jobEvents(ttlSystem.nats.url, id)).find((e) => e.type === 'deleted') as EventEnvelope<'deleted', JobDeletedData>;
    expect(deleted.data.snapshot?.status).toBe('completed');
    expect((await trailOf(ttlSystem, id)).filter((r) => r.action === 'deleted')).toHaveLength(1);
  });
});
