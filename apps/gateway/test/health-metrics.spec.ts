import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { errorBody, startTestGateway, startTestNats, type Gateway, type TestNats } from './support/gateway-fixture.js';
import { AuditResponder } from './support/audit-responder.js';
import { notFound, StateResponder } from './support/state-responder.js';

describe('health, readiness and metrics', () => {
  let nats: TestNats;
  let gateway: Gateway;

  beforeAll(async () => {
    nats = await startTestNats();
    gateway = await startTestGateway(nats.server.url, { CRUX_REQUEST_TIMEOUT_MS: '500' });
  });

  afterAll(async () => {
    await gateway?.close();
    await nats?.close();
  });

  it.each(['/healthz', '/api/v1/healthz'])('says the process is up at %s', async (path) => {
    const answer = await gateway.request(path, { key: null });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ status: 'ok' });
  });

  it.each(['/readyz', '/api/v1/readyz'])(
    'is not ready at %s while job-state and the audit service do not answer, and says so',
    async (path) => {
      const answer = await gateway.request(path, { key: null });
      expect(answer.status).toBe(503);
      expect(errorBody(answer).message).toBe(
        'not ready: job_state: job-state did not answer job.state.get; audit: the audit service did not answer audit.query',
      );
      expect(answer.json.details).toEqual({
        checks: { nats: 'ok', job_state: 'job-state did not answer job.state.get', audit: 'the audit service did not answer audit.query' },
      });
    },
  );

  it('is not ready while only the audit service is away, naming that check alone', async () => {
    const responder = await StateResponder.start(nats.server.url, (request) => notFound(request.job_id));
    try {
      const answer = await gateway.request('/readyz', { key: null });
      expect(answer.status).toBe(503);
      expect(errorBody(answer).message).toBe('not ready: audit: the audit service did not answer audit.query');
      expect(answer.json.details.checks).toEqual({ nats: 'ok', job_state: 'ok', audit: 'the audit service did not answer audit.query' });
    } finally {
      await responder.stop();
    }
  });

  it('is not ready while only job-state is away, naming that check alone', async () => {
    const audit = await AuditResponder.start(nats.server.url);
    try {
      const answer = await gateway.request('/readyz', { key: null });
      expect(answer.status).toBe(503);
      expect(errorBody(answer).message).toBe('not ready: job_state: job-state did not answer job.state.get');
    } finally {
      await audit.stop();
    }
  });

  it('is ready once job-state and the audit service answer — a 404 for the probe job and an error reply count', async () => {
    const responder = await StateResponder.start(nats.server.url, (request) => notFound(request.job_id));
    const audit = await AuditResponder.start(nats.server.url, () => ({
      ok: false,
      error: { status_code: 500, error: 'Internal Server Error', message: 'busy' },
    }));
    try {
      const answer = await gateway.request('/readyz', { key: null });
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ status: 'ready', checks: { nats: 'ok', job_state: 'ok', audit: 'ok' } });
      expect(responder.gets).toEqual([{ job_id: '00000000-0000-0000-0000-000000000000' }]);
      // The cheap question, never the whole-chain verify.
      expect(audit.queries).toEqual([{ limit: 1 }]);
      expect(audit.verifies).toBe(0);
    } finally {
      await responder.stop();
      await audit.stop();
    }
  });

  it.each(['/metrics', '/api/v1/metrics'])('serves Prometheus metrics at %s', async (path) => {
    await gateway.request('/api/v1/solve/basic', { body: { question: 'count me' } });
    await gateway.request('/api/v1/solve/enhanced', { body: { question: 'count me too' } });
    await gateway.request('/api/v1/jobs/not-a-uuid');
    const answer = await gateway.request(path, { key: null });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/plain');
    const text = answer.text;
    expect(text).toMatch(/^crux_jobs_submitted_total\{mode="basic"\} [1-9]\d*$/m);
    expect(text).toMatch(/^crux_jobs_submitted_total\{mode="enhanced"\} [1-9]\d*$/m);
    expect(text).toMatch(/^crux_http_requests_total\{method="POST",route="\/api\/v1\/solve\/basic",status="202"\} [1-9]\d*$/m);
    // Routes are labelled by pattern, never by the raw URL.
    expect(text).toMatch(/^crux_http_requests_total\{method="GET",route="\/api\/v1\/jobs\/:id",status="400"\} [1-9]\d*$/m);
    expect(text).not.toContain('not-a-uuid');
    expect(text).toMatch(/^crux_http_request_duration_seconds_bucket\{le="0\.1",method="POST",route="\/api\/v1\/solve\/basic"\} \d+$/m);
    // Node's default metrics.
    expect(text).toMatch(/^process_cpu_seconds_total /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  it('counts a submit only when the job was accepted', async () => {
    const count = async () => {
      const text = (await gateway.request('/metrics', { key: null })).text;
      return Number(/^crux_jobs_submitted_total\{mode="basic"\} (\d+)$/m.exec(text)?.[1] ?? 0);
    };
    const before = await count();
    await gateway.request('/api/v1/solve/basic', { body: { question: 42 } });
    await gateway.request('/api/v1/solve/basic', { key: 'audit', body: { question: 'q' } });
    expect(await count()).toBe(before);
    await gateway.request('/api/v1/solve/basic', { body: { question: 'q' } });
    expect(await count()).toBe(before + 1);
  });

  it('is not ready while NATS is down, and ready again when it is back', async () => {
    const responder = await StateResponder.start(nats.server.url, (request) => notFound(request.job_id));
    const audit = await AuditResponder.start(nats.server.url);
    try {
      await nats.server.crash();
      await waitForStatus(gateway, '/readyz', 503);
      const down = await gateway.request('/readyz', { key: null });
      expect(errorBody(down).message).toContain('nats: not connected to NATS');
      await nats.server.restart();
      await waitForStatus(gateway, '/readyz', 200, 30_000);
    } finally {
      await responder.stop();
      await audit.stop();
    }
  });
});

async function waitForStatus(gateway: Gateway, path: string, status: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await gateway.request(path, { key: null });
    if (answer.status === status) return;
    if (Date.now() > deadline) throw new Error(`${path} still answers ${answer.status}: ${answer.text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
