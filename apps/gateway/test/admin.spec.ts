import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { PurgePlanView, PurgeProgress } from '@crux/contracts';
import { errorBody, startTestGateway, startTestNats, type Gateway, type RequestOptions, type TestNats } from './support/gateway-fixture.js';
import { gone, jobView, notFound, refusal, StateResponder } from './support/state-responder.js';

const PLAN = '5a1e2b3c-4d5e-4f60-8a1b-2c3d4e5f6071';
const EXPIRED_PLAN = '5a1e2b3c-4d5e-4f60-8a1b-2c3d4e5f6072';
const CONFIRMED_PLAN = '5a1e2b3c-4d5e-4f60-8a1b-2c3d4e5f6073';
const TOKEN = 'Zm9yLXRoZS1wbGFuLW9ubHk';

const JOB = '6b2f3c4d-5e6f-4a71-8b2c-3d4e5f607182';
const LIVE = '6b2f3c4d-5e6f-4a71-8b2c-3d4e5f607183';
const ERASED = '6b2f3c4d-5e6f-4a71-8b2c-3d4e5f607184';
const ANCIENT = '6b2f3c4d-5e6f-4a71-8b2c-3d4e5f607185';
const HELD = '6b2f3c4d-5e6f-4a71-8b2c-3d4e5f607186';
const PURGED = '6b2f3c4d-5e6f-4a71-8b2c-3d4e5f607187';

const planView = (count: number, erase: boolean): PurgePlanView => ({
  plan_id: PLAN,
  count,
  sample: [JOB],
  erase,
  expires_at: '2026-01-02T03:14:05.000Z',
  confirm_token: TOKEN,
});

const progress = (status: PurgeProgress['status']): PurgeProgress => {
  const { confirm_token: _token, ...plan } = planView(3, false);
  return { ...plan, status, deleted: 0, skipped: 0, failed: 0, created_by: 'ops', confirmed_by: status === 'planned' ? null : 'ops' };
};

describe('operator routes: purge, restore, legal hold', () => {
  let nats: TestNats;
  let gateway: Gateway;
  let responder: StateResponder;

  const asOps = (path: string, options: RequestOptions = {}) => gateway.request(path, { key: 'ops', ...options });
  const plan = (body: unknown) => asOps('/api/v1/admin/purges', { body });

  beforeAll(async () => {
    nats = await startTestNats();
    gateway = await startTestGateway(nats.server.url);
    responder = await StateResponder.start(nats.server.url, (request) => notFound(request.job_id), undefined, {
      purgePlan: (request) => ({ ok: true, value: planView(request.job_ids?.length ?? 3, request.erase === true) }),
      purgeConfirm: (request) => {
        if (request.plan_id === EXPIRED_PLAN)
          return refusal(410, 'Gone', `purge plan ${EXPIRED_PLAN} expired at 2026-01-01T00:00:00.000Z; plan again`);
        if (request.plan_id === CONFIRMED_PLAN) return refusal(409, 'Conflict', `purge plan ${CONFIRMED_PLAN} was already confirmed`);
        if (request.plan_id !== PLAN) return refusal(404, 'Not Found', `purge plan ${request.plan_id} not found`);
        if (request.confirm_token !== TOKEN) return refusal(403, 'Forbidden', `that is not the confirm token of purge plan ${PLAN}`);
        return { ok: true, value: progress('running') };
      },
      purgeStatus: (request) =>
        request.plan_id === PLAN
          ? { ok: true, value: progress('planned') }
          : refusal(404, 'Not Found', `purge plan ${request.plan_id} not found`),
      restore: (request) => {
        if (request.job_id === LIVE) return refusal(409, 'Conflict', `job ${LIVE} is live; only a deleted job can be restored`);
        if (request.job_id === ERASED) return refusal(410, 'Gone', `job ${ERASED} was erased; its content no longer exists`);
        if (request.job_id === ANCIENT) return refusal(404, 'Not Found', `job ${ANCIENT} has no archived copy within retention`);
        return { ok: true, value: jobView({ job_id: request.job_id, status: 'completed' }) };
      },
      hold: (request) => {
        if (request.job_id === HELD) return refusal(409, 'Conflict', `job ${HELD} is already on hold`);
        if (request.job_id === PURGED) return gone(PURGED);
        return { ok: true, value: jobView({ job_id: request.job_id, status: 'completed', held: true, ttl_s: null }) };
      },
      release: (request) =>
        request.job_id === HELD
          ? { ok: true, value: jobView({ job_id: HELD, status: 'completed', held: false, ttl_s: 600 }) }
          : refusal(409, 'Conflict', `job ${request.job_id} is not on hold`),
    });
  });

  afterAll(async () => {
    await responder?.stop();
    await gateway?.close();
    await nats?.close();
  });

  describe('planning a purge', () => {
    it('answers 201 with the plan, asking job-state with every filter and the operator as actor', async () => {
      const ids = [JOB, randomUUID()];
      const answer = await plan({
        job_ids: ids,
        status: ['completed', 'failed'],
        older_than: '7d',
        erase: true,
        reason: 'retention policy',
      });
      expect(answer.status).toBe(201);
      expect(answer.json).toEqual(planView(2, true));
      expect(responder.commands.purgePlan.at(-1)).toEqual({
        actor: { kind: 'user', id: 'ops' },
        job_ids: ids,
        status: ['completed', 'failed'],
        older_than_s: 604_800,
        erase: true,
        reason: 'retention policy',
      });
    });

    it.each([
      ['12h', 43_200],
      ['30m', 1800],
      [90, 90],
    ])('reads older_than %j as %d seconds', async (older_than, seconds) => {
      expect((await plan({ older_than })).status).toBe(201);
      expect(responder.commands.purgePlan.at(-1)?.older_than_s).toBe(seconds);
    });

    it('plans only finished jobs when no status is given', async () => {
      expect((await plan({ job_ids: [JOB] })).status).toBe(201);
      expect(responder.commands.purgePlan.at(-1)).toEqual({
        actor: { kind: 'user', id: 'ops' },
        job_ids: [JOB],
        status: ['completed', 'failed', 'cancelled'],
        erase: false,
      });
    });

    it.each([
      ['no filter', { erase: true }, 'a purge needs at least one filter: job_ids, status or older_than'],
      ['an empty object', {}, 'a purge needs at least one filter'],
      ['running jobs', { status: ['running'] }, 'a purge cannot include running jobs: cancel them first'],
      ['pending jobs among others', { status: ['completed', 'pending'] }, 'a purge cannot include pending jobs: cancel them first'],
      ['an unknown status', { status: ['done'] }, 'status must hold only: pending, running, completed, failed, cancelled'],
      ['a status that is not a list', { status: 'completed' }, 'status must be a list of statuses'],
      ['an id that is not a UUID', { job_ids: [JOB, '42'] }, 'job_ids must hold job ids (UUIDs)'],
      ['an empty id list', { job_ids: [] }, 'job_ids must not be empty'],
      ['a malformed duration', { older_than: '7 days' }, 'older_than must be a duration such as "30m", "12h", "7d"'],
      ['a negative age', { older_than: -1 }, 'older_than must be a duration'],
      ['a fractional age', { older_than: 1.5 }, 'older_than must be a duration'],
      ['erase as a string', { status: ['failed'], erase: 'true' }, 'erase must be true or false'],
      ['a reason over 500 characters', { status: ['failed'], reason: 'r'.repeat(501) }, 'reason must be at most 500 characters'],
      [
        'an unknown field',
        { status: ['failed'], confirm: true },
        'unknown field confirm (allowed: job_ids, status, older_than, erase, reason)',
      ],
    ])('answers 400 for %s, without asking job-state', async (_name, body, message) => {
      const before = responder.commands.purgePlan.length;
      const answer = await plan(body);
      expect(answer.status).toBe(400);
      expect(errorBody(answer).message).toContain(message);
      expect(responder.commands.purgePlan.length).toBe(before);
    });

    it.each([
      ['no body', { raw: undefined }],
      ['an array body', { raw: '[]' }],
      ['a form body', { raw: 'status=failed', contentType: 'application/x-www-form-urlencoded' }],
    ])('answers 400 for %s', async (_name, options) => {
      const answer = await asOps('/api/v1/admin/purges', { method: 'POST', ...options });
      expect(answer.status).toBe(400);
      expect(errorBody(answer).message).toContain('request body must be a JSON object');
    });

    it('refuses query parameters', async () => {
      const answer = await asOps('/api/v1/admin/purges?dry_run=1', { body: { status: ['failed'] } });
      expect(answer.status).toBe(400);
      expect(errorBody(answer).message).toBe('unknown query parameter dry_run (this route takes none)');
    });
  });

  describe('confirming a purge', () => {
    it('answers 202 with the progress, passing the plan id, the token and the operator', async () => {
      const answer = await asOps(`/api/v1/admin/purges/${PLAN}/confirm`, { body: { confirm_token: TOKEN } });
      expect(answer.status).toBe(202);
      expect(answer.json).toEqual(progress('running'));
      expect(responder.commands.purgeConfirm.at(-1)).toEqual({ actor: { kind: 'user', id: 'ops' }, plan_id: PLAN, confirm_token: TOKEN });
    });

    it.each([
      ['a wrong token', PLAN, 'not-the-token', 403, `that is not the confirm token of purge plan ${PLAN}`],
      ['an expired plan', EXPIRED_PLAN, TOKEN, 410, `purge plan ${EXPIRED_PLAN} expired at 2026-01-01T00:00:00.000Z; plan again`],
      ['a plan confirmed already', CONFIRMED_PLAN, TOKEN, 409, `purge plan ${CONFIRMED_PLAN} was already confirmed`],
      ['an unknown plan', '5a1e2b3c-4d5e-4f60-8a1b-2c3d4e5f6079', TOKEN, 404, 'purge plan 5a1e2b3c-4d5e-4f60-8a1b-2c3d4e5f6079 not found'],
    ])("passes job-state's answer to %s through", async (_name, planId, token, status, message) => {
      const answer = await asOps(`/api/v1/admin/purges/${planId}/confirm`, { body: { confirm_token: token } });
      expect(answer.status).toBe(status);
      expect(errorBody(answer).message).toBe(message);
    });

    it.each([
      ['a plan id that is not a UUID', 'plan-1', { confirm_token: TOKEN }, 'plan id must be a UUID'],
      ['no token', PLAN, {}, 'confirm_token is required'],
      ['an empty token', PLAN, { confirm_token: '' }, 'confirm_token must not be empty'],
      ['a token that is not a string', PLAN, { confirm_token: 12345 }, 'confirm_token must be a string'],
      ['an unknown field', PLAN, { confirm_token: TOKEN, force: true }, 'unknown field force (allowed: confirm_token)'],
    ])('answers 400 for %s, without asking job-state', async (_name, planId, body, message) => {
      const before = responder.commands.purgeConfirm.length;
      const answer = await asOps(`/api/v1/admin/purges/${planId}/confirm`, { body });
      expect(answer.status).toBe(400);
      expect(errorBody(answer).message).toContain(message);
      expect(responder.commands.purgeConfirm.length).toBe(before);
    });
  });

  describe('following a purge', () => {
    it('answers with the progress', async () => {
      const answer = await asOps(`/api/v1/admin/purges/${PLAN}`);
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual(progress('planned'));
      expect(responder.commands.purgeStatus.at(-1)).toEqual({ plan_id: PLAN });
    });

    it('answers 404 for an unknown plan and 400 for an id that is not a UUID', async () => {
      expect((await asOps('/api/v1/admin/purges/5a1e2b3c-4d5e-4f60-8a1b-2c3d4e5f6079')).status).toBe(404);
      const bad = await asOps('/api/v1/admin/purges/latest');
      expect(bad.status).toBe(400);
      expect(errorBody(bad).message).toBe('plan id must be a UUID');
    });
  });

  describe('restoring a job', () => {
    it('answers 200 with the restored job, passing the operator and the reason', async () => {
      const answer = await asOps(`/api/v1/admin/jobs/${JOB}/restore`, { body: { reason: 'deleted by mistake' } });
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ job_id: JOB, status: 'completed' });
      expect(responder.commands.restore.at(-1)).toEqual({ actor: { kind: 'user', id: 'ops' }, job_id: JOB, reason: 'deleted by mistake' });
    });

    it('takes no body at all', async () => {
      const answer = await asOps(`/api/v1/admin/jobs/${JOB}/restore`, { method: 'POST' });
      expect(answer.status).toBe(200);
      expect(responder.commands.restore.at(-1)).toEqual({ actor: { kind: 'user', id: 'ops' }, job_id: JOB });
    });

    it.each([
      ['a live job', LIVE, 409, `job ${LIVE} is live; only a deleted job can be restored`],
      ['an erased job', ERASED, 410, `job ${ERASED} was erased; its content no longer exists`],
      ['a job beyond retention', ANCIENT, 404, `job ${ANCIENT} has no archived copy within retention`],
    ])("passes job-state's answer for %s through", async (_name, id, status, message) => {
      const answer = await asOps(`/api/v1/admin/jobs/${id}/restore`, { method: 'POST' });
      expect(answer.status).toBe(status);
      expect(errorBody(answer).message).toBe(message);
    });

    it.each([
      ['a job id that is not a UUID', '/api/v1/admin/jobs/42/restore', { method: 'POST' }, 'job id must be a UUID'],
      [
        'an unknown field',
        `/api/v1/admin/jobs/${JOB}/restore`,
        { body: { reason: 'x', to: 'yesterday' } },
        'unknown field to (allowed: reason)',
      ],
      [
        'a form body',
        `/api/v1/admin/jobs/${JOB}/restore`,
        { raw: 'reason=x', contentType: 'text/plain' },
        'request body must be a JSON object',
      ],
    ])('answers 400 for %s', async (_name, path, options, message) => {
      const answer = await asOps(path, options);
      expect(answer.status).toBe(400);
      expect(errorBody(answer).message).toContain(message);
    });
  });

  describe('legal hold', () => {
    it('puts a job on hold: 200 with the job, passing the operator and the reason', async () => {
      const answer = await asOps(`/api/v1/admin/jobs/${JOB}/hold`, { method: 'PUT', body: { reason: 'litigation 7' } });
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ job_id: JOB, held: true, ttl_s: null });
      expect(responder.commands.hold.at(-1)).toEqual({ actor: { kind: 'user', id: 'ops' }, job_id: JOB, reason: 'litigation 7' });
    });

    it('releases it: 200 with the job', async () => {
      const answer = await asOps(`/api/v1/admin/jobs/${HELD}/hold`, { method: 'DELETE' });
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ job_id: HELD, held: false });
      expect(responder.commands.release.at(-1)).toEqual({ actor: { kind: 'user', id: 'ops' }, job_id: HELD });
    });

    it("passes job-state's refusals through, a deleted job's 410 with its fields", async () => {
      const twice = await asOps(`/api/v1/admin/jobs/${HELD}/hold`, { method: 'PUT' });
      expect(twice.status).toBe(409);
      expect(errorBody(twice).message).toBe(`job ${HELD} is already on hold`);
      const notHeld = await asOps(`/api/v1/admin/jobs/${JOB}/hold`, { method: 'DELETE', body: { reason: 'done' } });
      expect(notHeld.status).toBe(409);
      const purged = await asOps(`/api/v1/admin/jobs/${PURGED}/hold`, { method: 'PUT' });
      expect(purged.status).toBe(410);
      expect(purged.json).toMatchObject({ deleted_at: '2026-01-02T03:04:05.000Z', reason: 'purge', actor: { kind: 'user', id: 'ops' } });
    });
  });
});

describe('operator routes while job-state is away', () => {
  let nats: TestNats;
  let gateway: Gateway;

  beforeAll(async () => {
    nats = await startTestNats();
    gateway = await startTestGateway(nats.server.url, { CRUX_REQUEST_TIMEOUT_MS: '200' }, undefined, { commandTimeoutMs: 300 });
  });

  afterAll(async () => {
    await gateway?.close();
    await nats?.close();
  });

  it.each([
    ['POST', '/api/v1/admin/purges', { status: ['failed'] }, 'job.state.purge_plan within 300 ms'],
    ['POST', `/api/v1/admin/purges/${PLAN}/confirm`, { confirm_token: TOKEN }, 'job.state.purge_confirm within 300 ms'],
    ['GET', `/api/v1/admin/purges/${PLAN}`, undefined, 'job.state.purge_status within 200 ms'],
    ['POST', `/api/v1/admin/jobs/${JOB}/restore`, undefined, 'job.state.restore within 300 ms'],
    ['PUT', `/api/v1/admin/jobs/${JOB}/hold`, undefined, 'job.state.hold within 300 ms'],
    ['DELETE', `/api/v1/admin/jobs/${JOB}/hold`, undefined, 'job.state.release within 300 ms'],
  ])('answers 503 on %s %s, naming the request', async (method, path, body, says) => {
    const answer = await gateway.request(path, { key: 'ops', method, body });
    expect(answer.status).toBe(503);
    expect(errorBody(answer).message).toBe(`the job state service did not answer ${says}; try again shortly`);
  });
});

describe('a purge list too large for one NATS message', () => {
  let nats: TestNats;
  let gateway: Gateway;

  beforeAll(async () => {
    nats = await startTestNats();
    gateway = await startTestGateway(nats.server.url, { CRUX_MAX_BODY_BYTES: String(8 * 1024 * 1024) });
  });

  afterAll(async () => {
    await gateway?.close();
    await nats?.close();
  });

  it('answers 413 saying to split it, rather than that job-state did not answer', async () => {
    const maxPayload = nats.nc.info?.max_payload ?? 1024 * 1024;
    const ids = Array.from({ length: Math.ceil(maxPayload / 38) + 10 }, () => randomUUID());
    const answer = await gateway.request('/api/v1/admin/purges', { key: 'ops', body: { job_ids: ids } });
    expect(answer.status).toBe(413);
    expect(errorBody(answer).message).toBe(
      `the request is too large to pass to the job state service (NATS max_payload is ${maxPayload} bytes); split it into smaller requests`,
    );
  });
});
