import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadSettings } from '@crux/contracts';
import { createGatewayApp } from '../src/gateway-app.js';
import { errorBody, Keys, startTestGateway, startTestNats, type Gateway, type TestNats } from './support/gateway-fixture.js';
import { jobView, StateResponder } from './support/state-responder.js';

const SOME_JOB = '7d0f6a3e-2c4b-4e8f-9a1d-5b6c7d8e9f00';

const jobRoutes: { name: string; path: string; method?: string; body?: unknown }[] = [
  { name: 'POST /solve/basic', path: '/api/v1/solve/basic', body: { question: 'q' } },
  { name: 'POST /solve/enhanced', path: '/api/v1/solve/enhanced', body: { question: 'q' } },
  { name: 'GET /jobs', path: '/api/v1/jobs' },
  { name: 'GET /jobs/{id}', path: `/api/v1/jobs/${SOME_JOB}` },
  { name: 'GET /jobs/{id}/events', path: `/api/v1/jobs/${SOME_JOB}/events` },
];

describe('authentication and roles', () => {
  let nats: TestNats;
  let gateway: Gateway;
  let responder: StateResponder;

  beforeAll(async () => {
    nats = await startTestNats();
    gateway = await startTestGateway(nats.server.url);
    responder = await StateResponder.start(nats.server.url, (request) => ({
      ok: true,
      value: jobView({ job_id: request.job_id, status: 'completed' }),
    }));
  });

  afterAll(async () => {
    await responder?.stop();
    await gateway?.close();
    await nats?.close();
  });

  it.each(jobRoutes)('answers 401 without a key on $name', async ({ path, body }) => {
    const answer = await gateway.request(path, { key: null, body });
    expect(answer.status).toBe(401);
    expect(errorBody(answer).message).toBe('missing API key: send the header Authorization: Bearer <api key>');
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="crux"');
  });

  it.each(jobRoutes)('answers 401 for an unknown key on $name', async ({ path, body }) => {
    const answer = await gateway.request(path, { authorization: 'Bearer not-a-key', body });
    expect(answer.status).toBe(401);
    expect(errorBody(answer).message).toBe('API key not recognised');
  });

  it.each([
    ['another scheme', `Basic ${Keys.alice}`],
    ['a bare secret', Keys.alice],
    ['a prefix of a real key', `Bearer ${Keys.alice.slice(0, -1)}`],
    ['a real key with more after it', `Bearer ${Keys.alice}x`],
  ])('refuses %s', async (_name, authorization) => {
    const answer = await gateway.request('/api/v1/jobs', { authorization });
    expect(answer.status).toBe(401);
    errorBody(answer);
  });

  it.each(jobRoutes)('answers 403 naming the roles needed when an auditor calls $name', async ({ path, body }) => {
    const answer = await gateway.request(path, { key: 'audit', body });
    expect(answer.status).toBe(403);
    expect(errorBody(answer).message).toBe("this route needs the submitter or operator role; the API key 'audit' has the auditor role");
  });

  it('submits nothing for a refused caller', async () => {
    const before = await nats.messageCount();
    await gateway.request('/api/v1/solve/basic', { key: 'audit', body: { question: 'q' } });
    await gateway.request('/api/v1/solve/basic', { key: null, body: { question: 'q' } });
    expect(await nats.messageCount()).toBe(before);
  });

  it('accepts the scheme name in any case', async () => {
    const answer = await gateway.request('/api/v1/jobs', { authorization: `bearer ${Keys.ops}` });
    expect(answer.status).toBe(200);
  });

  it.each(['/healthz', '/api/v1/healthz', '/metrics', '/api/v1/metrics', '/api/v1/openapi.json', '/api/v1/docs'])(
    'serves %s without a key',
    async (path) => {
      const answer = await gateway.request(path, { key: null });
      expect(answer.status).toBe(200);
    },
  );

  it('does not echo secrets in error answers', async () => {
    const answer = await gateway.request('/api/v1/jobs', { authorization: 'Bearer super-secret-typo' });
    expect(answer.text).not.toContain('super-secret-typo');
  });
});

describe('starting without keys', () => {
  it('refuses to start, saying to set CRUX_API_KEYS', async () => {
    const settings = loadSettings({ NATS_URL: 'nats://127.0.0.1:1', CRUX_HTTP_PORT: '0' });
    await expect(createGatewayApp({ settings, logLevels: ['error'] })).rejects.toThrow(/set CRUX_API_KEYS.*npm start.*development keys/s);
  });

  it('refuses two keys with one name, or one secret for two keys', async () => {
    const twice = loadSettings({ CRUX_API_KEYS: 'a:submitter:s1,a:operator:s2' });
    await expect(createGatewayApp({ settings: twice })).rejects.toThrow("CRUX_API_KEYS names 'a' twice");
    const shared = loadSettings({ CRUX_API_KEYS: 'a:submitter:same,b:operator:same' });
    await expect(createGatewayApp({ settings: shared })).rejects.toThrow("gives key 'b' a secret another key already uses");
  });
});
