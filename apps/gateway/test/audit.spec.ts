import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QueueGroup, Subjects, type ChainVerdict, type Reply } from '@crux/contracts';
import { RpcServer } from '@crux/messaging';
import { auditRecord, AuditResponder } from './support/audit-responder.js';
import { errorBody, startTestGateway, startTestNats, type Gateway, type TestNats } from './support/gateway-fixture.js';

const JOB = '7d0f6a3e-2c4b-4e8f-9a1d-5b6c7d8e9f00';
const BAD_CURSOR = 'not-one-of-ours';

describe('reading the deletion trail', () => {
  let nats: TestNats;
  let gateway: Gateway;
  let audit: AuditResponder;
  let verdict: Reply<ChainVerdict> = { ok: true, value: { ok: true, records_checked: 12, first_bad_sequence: null, problem: null } };

  beforeAll(async () => {
    nats = await startTestNats();
    gateway = await startTestGateway(nats.server.url);
    audit = await AuditResponder.start(
      nats.server.url,
      (query) =>
        query.cursor === BAD_CURSOR
          ? {
              ok: false,
              error: {
                status_code: 400,
                error: 'Bad Request',
                message: 'cursor is not one this service issued; pass next_cursor from a previous page unchanged',
              },
            }
          : { ok: true, value: { records: [auditRecord({ job_id: query.job_id ?? JOB })], next_cursor: 'eyJ2IjoxLCJzZXEiOjJ9' } },
      () => verdict,
    );
  });

  afterAll(async () => {
    await audit?.stop();
    await gateway?.close();
    await nats?.close();
  });

  it('answers a page of records, asking the audit service with the default limit', async () => {
    const answer = await gateway.request('/api/v1/audit', { key: 'audit' });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ records: [auditRecord()], next_cursor: 'eyJ2IjoxLCJzZXEiOjJ9' });
    expect(audit.queries.at(-1)).toEqual({ limit: 100 });
  });

  it('passes every filter on, times as UTC instants', async () => {
    const query = new URLSearchParams({
      job_id: JOB,
      action: 'deleted',
      actor: 'ops',
      since: '2026-01-01',
      until: '2026-01-31T23:59:59+01:00',
      limit: '25',
      cursor: 'eyJ2IjoxLCJzZXEiOjJ9',
    });
    const answer = await gateway.request(`/api/v1/audit?${query}`, { key: 'ops' });
    expect(answer.status).toBe(200);
    expect(audit.queries.at(-1)).toEqual({
      job_id: JOB,
      action: 'deleted',
      actor: 'ops',
      since: '2026-01-01T00:00:00.000Z',
      until: '2026-01-31T22:59:59.000Z',
      limit: 25,
      cursor: 'eyJ2IjoxLCJzZXEiOjJ9',
    });
  });

  it.each([
    [
      'an unknown action',
      '?action=purged',
      'action must be one of: cancel, revoked, revoke_unconfirmed, deleted, restored, held, released, purge_planned, purge_confirmed',
    ],
    ['a date that is not ISO 8601', '?since=01/02/2026', 'since must be an ISO 8601 date'],
    ['a date that does not exist', '?until=2026-02-30', 'until must be an ISO 8601 date'],
    ['a time without a zone', '?since=2026-01-01T10:00:00', 'since must be an ISO 8601 date'],
    ['since after until', '?since=2026-02-01&until=2026-01-01', 'since must not be after until'],
    ['limit 0', '?limit=0', 'limit must be a whole number from 1 to 1000'],
    ['limit 1001', '?limit=1001', 'limit must be a whole number from 1 to 1000'],
    ['a limit that is not a number', '?limit=all', 'limit must be a whole number from 1 to 1000'],
    ['a job id that is not a UUID', '?job_id=42', 'job_id must be a UUID'],
    ['an unknown parameter', '?kind=user', 'unknown query parameter kind'],
    ['a repeated parameter', '?action=cancel&action=deleted', 'action must be given once'],
  ])('answers 400 for %s, without asking the audit service', async (_name, query, message) => {
    const before = audit.queries.length;
    const answer = await gateway.request(`/api/v1/audit${query}`, { key: 'audit' });
    expect(answer.status).toBe(400);
    expect(errorBody(answer).message).toContain(message);
    expect(audit.queries.length).toBe(before);
  });

  it("passes the audit service's own refusal through", async () => {
    const answer = await gateway.request(`/api/v1/audit?cursor=${BAD_CURSOR}`, { key: 'audit' });
    expect(answer.status).toBe(400);
    expect(errorBody(answer).message).toBe('cursor is not one this service issued; pass next_cursor from a previous page unchanged');
  });

  it('answers the verdict of a sound chain', async () => {
    const answer = await gateway.request('/api/v1/audit/verify', { key: 'audit' });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ ok: true, records_checked: 12, first_bad_sequence: null, problem: null });
  });

  it('answers 200 for a broken chain too, saying which record', async () => {
    verdict = {
      ok: true,
      value: {
        ok: false,
        records_checked: 7,
        first_bad_sequence: 7,
        problem: 'record 7 has been altered: its hash does not match its content',
      },
    };
    const answer = await gateway.request('/api/v1/audit/verify', { key: 'ops' });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      ok: false,
      records_checked: 7,
      first_bad_sequence: 7,
      problem: 'record 7 has been altered: its hash does not match its content',
    });
  });

  it('refuses query parameters on verify', async () => {
    const before = audit.verifies;
    const answer = await gateway.request('/api/v1/audit/verify?from=10', { key: 'audit' });
    expect(answer.status).toBe(400);
    expect(errorBody(answer).message).toBe('unknown query parameter from (this route takes none)');
    expect(audit.verifies).toBe(before);
  });
});

describe('the deletion trail while the audit service is away', () => {
  let nats: TestNats;
  let gateway: Gateway;

  beforeAll(async () => {
    nats = await startTestNats();
    gateway = await startTestGateway(nats.server.url, { CRUX_REQUEST_TIMEOUT_MS: '200' }, undefined, { verifyTimeoutMs: 300 });
  });

  afterAll(async () => {
    await gateway?.close();
    await nats?.close();
  });

  it.each([
    ['/api/v1/audit', 'the audit service did not answer audit.query within 200 ms; try again shortly'],
    ['/api/v1/audit/verify', 'the audit service did not answer audit.verify within 300 ms; try again shortly'],
  ])('answers 503 on %s with a clear message', async (path, message) => {
    const answer = await gateway.request(path, { key: 'audit' });
    expect(answer.status).toBe(503);
    expect(errorBody(answer).message).toBe(message);
  });

  it('answers 502 when the audit service answers something that is not a reply', async () => {
    const odd = new RpcServer({ url: nats.server.url, name: 'odd-audit', queue: QueueGroup.Audit });
    await odd.answer(Subjects.auditQuery, () => ({ records: [] }) as unknown as Reply<unknown>).startAnswering();
    try {
      const answer = await gateway.request('/api/v1/audit', { key: 'audit' });
      expect(answer.status).toBe(502);
      expect(errorBody(answer).message).toBe('the audit service gave an answer the gateway does not understand on audit.query');
    } finally {
      await odd.close();
    }
  });
});
