import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { apiError, QueueGroup, Subjects, type RebuildProgress, type RebuildRequest, type Reply } from '@crux/contracts';
import { RpcServer } from '@crux/messaging';
import { AuditResponder } from './support/audit-responder.js';
import { errorBody, startTestGateway, startTestNats, type Gateway, type TestNats } from './support/gateway-fixture.js';
import { StateResponder } from './support/state-responder.js';

const progress = (over: Partial<RebuildProgress> = {}): RebuildProgress => ({
  rebuild_id: '7d1e2f30-4a5b-4c6d-8e7f-8091a2b3c4d5',
  status: 'running',
  trigger: 'operator',
  events_read: 0,
  events_total: 120,
  jobs_restored: 0,
  jobs_deleted: 0,
  started_at: '2030-01-01T00:00:00.000Z',
  finished_at: null,
  actor: 'ops',
  reason: null,
  error: null,
  ...over,
});

describe('POST and GET /api/v1/admin/rebuild-state', () => {
  let nats: TestNats;
  let gateway: Gateway;
  const asked: RebuildRequest[] = [];
  let running = false;
  let rebuilds: RpcServer;

  beforeAll(async () => {
    nats = await startTestNats();
    gateway = await startTestGateway(nats.server.url);
    // job-state's side: the first request starts one, a second while it runs is refused.
    rebuilds = new RpcServer({ url: nats.server.url, name: 'rebuild-state', queue: QueueGroup.JobState });
    await rebuilds
      .answer<RebuildRequest>(Subjects.stateRebuild, (request) => {
        asked.push(request);
        const reply: Reply<RebuildProgress> = running
          ? {
              ok: false,
              error: apiError(
                409,
                'Conflict',
                `a rebuild of the live state is already running (rebuild ${progress().rebuild_id}: 3 of 120 events)`,
              ),
            }
          : { ok: true, value: progress({ actor: request.actor.id, reason: request.reason ?? null }) };
        running = true;
        return reply;
      })
      .answer(Subjects.stateRebuildStatus, () => ({ ok: true, value: progress({ events_read: 60 }) }) satisfies Reply<RebuildProgress>)
      .startAnswering();
  });

  afterAll(async () => {
    await rebuilds?.close();
    await gateway?.close();
    await nats?.close();
  });

  it('refuses without a key (401) and to non-operators (403), asking job-state nothing', async () => {
    expect((await gateway.request('/api/v1/admin/rebuild-state', { method: 'POST', key: null })).status).toBe(401);
    for (const key of ['alice', 'audit'] as const) {
      const answer = await gateway.request('/api/v1/admin/rebuild-state', { method: 'POST', key });
      expect(answer.status).toBe(403);
      errorBody(answer);
      expect((await gateway.request('/api/v1/admin/rebuild-state', { key })).status).toBe(403);
    }
    expect(asked).toHaveLength(0);
  });

  it('starts one for an operator: 202 with its id, the operator as actor', async () => {
    const answer = await gateway.request('/api/v1/admin/rebuild-state', { method: 'POST', key: 'ops', body: { reason: 'redis lost' } });
    expect(answer.status).toBe(202);
    expect(answer.json).toMatchObject({ rebuild_id: progress().rebuild_id, status: 'running', actor: 'ops', reason: 'redis lost' });
    expect(asked.at(-1)).toEqual({ actor: { kind: 'user', id: 'ops' }, reason: 'redis lost' });
  });

  it('answers 409 naming the rebuild already running', async () => {
    const answer = await gateway.request('/api/v1/admin/rebuild-state', { method: 'POST', key: 'ops' });
    expect(answer.status).toBe(409);
    expect(errorBody(answer).message).toContain(progress().rebuild_id);
  });

  it('shows progress to an operator', async () => {
    const answer = await gateway.request('/api/v1/admin/rebuild-state', { key: 'ops' });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ status: 'running', events_read: 60, events_total: 120 });
  });

  it('is not ready while job-state answers 503 because it is rebuilding, naming what job-state said', async () => {
    const rebuilding = 'the live state is being rebuilt from JOBS (60 of 120 events); try again shortly';
    const state = await StateResponder.start(nats.server.url, () => ({
      ok: false,
      error: apiError(503, 'Service Unavailable', rebuilding),
    }));
    const audit = await AuditResponder.start(nats.server.url);
    try {
      const answer = await gateway.request('/readyz', { key: null });
      expect(answer.status).toBe(503);
      expect(errorBody(answer).message).toBe(`not ready: job_state: ${rebuilding}`);
    } finally {
      await state.stop();
      await audit.stop();
    }
  });

  it('refuses unknown body fields with 400', async () => {
    const answer = await gateway.request('/api/v1/admin/rebuild-state', { method: 'POST', key: 'ops', body: { everything: true } });
    expect(answer.status).toBe(400);
  });
});
