import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QueueGroup, Subjects, type Reply, type JobView } from '@crux/contracts';
import { RpcServer } from '@crux/messaging';
import { errorBody, startTestGateway, startTestNats, type Gateway, type TestNats } from './support/gateway-fixture.js';
import { gone, jobView, notFound, StateResponder } from './support/state-responder.js';

const ALICES = '11111111-1111-4111-8111-111111111111';
const DELETED = '22222222-2222-4222-8222-222222222222';
const BROKEN = '33333333-3333-4333-8333-333333333333';
const DETAILED = '66666666-6666-4666-8666-666666666666';

/** A little job-state: alice owns one job, one job was deleted, one request makes it fail. */
function answerGet(request: { job_id: string; owner?: string }): Reply<JobView> {
  if (request.job_id === ALICES && (request.owner === undefined || request.owner === 'alice')) {
    return { ok: true, value: jobView({ job_id: ALICES, owner: 'alice', status: 'running', progress: 0.5 }) };
  }
  if (request.job_id === DELETED) return gone(DELETED, 'ttl', 'job-state');
  if (request.job_id === DETAILED) {
    return {
      ok: false,
      error: { status_code: 409, error: 'Conflict', message: `job ${DETAILED} is busy`, details: { retry_after_s: 1 } },
    };
  }
  if (request.job_id === BROKEN) {
    return { ok: false, error: { status_code: 500, error: 'Internal Server Error', message: 'the state service failed to answer' } };
  }
  return notFound(request.job_id);
}

describe('reading jobs', () => {
  let nats: TestNats;
  let gateway: Gateway;
  let responder: StateResponder;

  beforeAll(async () => {
    nats = await startTestNats();
    gateway = await startTestGateway(nats.server.url);
    responder = await StateResponder.start(nats.server.url, answerGet, (request) => ({
      ok: true,
      value: { jobs: [jobView({ job_id: ALICES, owner: request.owner ?? 'alice' })], next_cursor: request.cursor ? null : 'page-2' },
    }));
  });

  afterAll(async () => {
    await responder?.stop();
    await gateway?.close();
    await nats?.close();
  });

  it("gives a submitter its own job, asking job-state with the submitter's name as owner", async () => {
    const answer = await gateway.request(`/api/v1/jobs/${ALICES}`, { key: 'alice' });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual(
      jobView({ job_id: ALICES, owner: 'alice', status: 'running', progress: 0.5, created_at: answer.json.created_at }),
    );
    expect(responder.gets.at(-1)).toEqual({ job_id: ALICES, owner: 'alice' });
  });

  it("answers another submitter's job with the same 404 as an unknown job", async () => {
    const other = await gateway.request(`/api/v1/jobs/${ALICES}`, { key: 'bob' });
    expect(responder.gets.at(-1)).toEqual({ job_id: ALICES, owner: 'bob' });
    const unknown = await gateway.request('/api/v1/jobs/44444444-4444-4444-8444-444444444444', { key: 'bob' });
    expect(other.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(errorBody(other).message).toBe(`job ${ALICES} not found`);
    expect(errorBody(unknown).message).toBe('job 44444444-4444-4444-8444-444444444444 not found');
  });

  it('lets an operator read any job, asking without an owner', async () => {
    const answer = await gateway.request(`/api/v1/jobs/${ALICES}`, { key: 'ops' });
    expect(answer.status).toBe(200);
    expect(responder.gets.at(-1)).toEqual({ job_id: ALICES });
  });

  it('passes the 410 of a deleted job straight through: when, why and by whom', async () => {
    for (const key of ['ops', 'alice'] as const) {
      const answer = await gateway.request(`/api/v1/jobs/${DELETED}`, { key });
      expect(answer.status).toBe(410);
      expect(answer.json).toEqual({
        status_code: 410,
        error: 'Gone',
        message: `job ${DELETED} was deleted (ttl) at 2026-01-02T03:04:05.000Z by job-state`,
        deleted_at: '2026-01-02T03:04:05.000Z',
        reason: 'ttl',
        actor: { kind: 'user', id: 'job-state' },
      });
    }
  });

  it('passes the status and details job-state chose straight through', async () => {
    const detailed = await gateway.request(`/api/v1/jobs/${DETAILED}`, { key: 'ops' });
    expect(detailed.status).toBe(409);
    expect(detailed.json).toEqual({
      status_code: 409,
      error: 'Conflict',
      message: `job ${DETAILED} is busy`,
      details: { retry_after_s: 1 },
    });
    const broken = await gateway.request(`/api/v1/jobs/${BROKEN}`, { key: 'ops' });
    expect(broken.status).toBe(500);
    expect(errorBody(broken).message).toBe('the state service failed to answer');
  });

  it('lists a submitter’s jobs only, with the default limit', async () => {
    const answer = await gateway.request('/api/v1/jobs', { key: 'bob' });
    expect(answer.status).toBe(200);
    expect(responder.lists.at(-1)).toEqual({ owner: 'bob', limit: 20 });
    expect(answer.json.next_cursor).toBe('page-2');
    expect(answer.json.jobs).toHaveLength(1);
  });

  it('lists every job for an operator, passing status, limit and cursor through', async () => {
    const answer = await gateway.request('/api/v1/jobs?status=running&limit=5&cursor=page-2', { key: 'ops' });
    expect(answer.status).toBe(200);
    expect(responder.lists.at(-1)).toEqual({ status: 'running', limit: 5, cursor: 'page-2' });
    expect(answer.json.next_cursor).toBeNull();
  });

  it('accepts the limits at both ends', async () => {
    expect((await gateway.request('/api/v1/jobs?limit=1')).status).toBe(200);
    expect(responder.lists.at(-1)?.limit).toBe(1);
    expect((await gateway.request('/api/v1/jobs?limit=100')).status).toBe(200);
    expect(responder.lists.at(-1)?.limit).toBe(100);
  });
});

describe('reading jobs while job-state is away', () => {
  let nats: TestNats;
  let gateway: Gateway;

  beforeAll(async () => {
    nats = await startTestNats();
    gateway = await startTestGateway(nats.server.url, { CRUX_REQUEST_TIMEOUT_MS: '300' });
  });

  afterAll(async () => {
    await gateway?.close();
    await nats?.close();
  });

  it.each(['/api/v1/jobs/55555555-5555-4555-8555-555555555555', '/api/v1/jobs'])('answers 503 with a clear message on %s', async (path) => {
    const answer = await gateway.request(path, { key: 'ops' });
    expect(answer.status).toBe(503);
    expect(errorBody(answer).message).toMatch(
      /^the job state service did not answer job\.state\.(get|list) within 300 ms; try again shortly$/,
    );
  });

  it('answers 503 to a cancel, recording nothing', async () => {
    const before = await nats.messageCount();
    const answer = await gateway.request('/api/v1/jobs/55555555-5555-4555-8555-555555555555', { key: 'ops', method: 'DELETE' });
    expect(answer.status).toBe(503);
    expect(errorBody(answer).message).toBe('the job state service did not answer job.state.get within 300 ms; try again shortly');
    expect(await nats.messageCount()).toBe(before);
  });

  it('answers 503 when job-state answers too slowly', async () => {
    // Answers only after the gateway has given up and answered its client.
    let answered: () => void = () => undefined;
    const gaveUp = new Promise<void>((resolve) => (answered = resolve));
    const slow = new RpcServer({ url: nats.server.url, name: 'slow-state', queue: QueueGroup.JobState });
    await slow.answer(Subjects.stateGet, () => gaveUp.then(() => ({ ok: true, value: {} }))).startAnswering();
    try {
      const answer = await gateway.request('/api/v1/jobs/55555555-5555-4555-8555-555555555555', { key: 'ops' });
      expect(answer.status).toBe(503);
    } finally {
      answered();
      await slow.close();
    }
  });

  it('answers 502 when job-state answers something that is not a reply', async () => {
    const odd = new RpcServer({ url: nats.server.url, name: 'odd-state', queue: QueueGroup.JobState });
    await odd.answer(Subjects.stateGet, () => ({ hello: 'world' }) as unknown as Reply<unknown>).startAnswering();
    try {
      const answer = await gateway.request('/api/v1/jobs/55555555-5555-4555-8555-555555555555', { key: 'ops' });
      expect(answer.status).toBe(502);
      expect(errorBody(answer).message).toContain('does not understand');
    } finally {
      await odd.close();
    }
  });
});
