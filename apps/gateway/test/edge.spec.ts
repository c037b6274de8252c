import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { errorBody, startTestGateway, startTestNats, type Answer, type Gateway, type TestNats } from './support/gateway-fixture.js';

const basic = '/api/v1/solve/basic';

function expectSecurityHeaders(answer: Answer): void {
  expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
  expect(answer.headers.get('x-frame-options')).toBe('DENY');
  expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
  expect(answer.headers.get('content-security-policy')).toContain("default-src 'none'");
  expect(answer.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  expect(answer.headers.has('x-powered-by')).toBe(false);
}

describe('the edge', () => {
  let nats: TestNats;
  let gateway: Gateway;

  beforeAll(async () => {
    nats = await startTestNats();
    // A small bucket so the test reaches it; a slow refill so it stays empty while the test looks.
    gateway = await startTestGateway(nats.server.url, {
      CRUX_RATE_LIMIT_PER_S: '1',
      CRUX_RATE_LIMIT_BURST: '5',
      CRUX_MAX_BODY_BYTES: '2048',
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await nats?.close();
  });

  describe('security headers', () => {
    it.each([
      ['submit (accepted)', basic, { key: 'bob' as const, body: { question: 'q' } }, 202],
      ['submit (refused)', basic, { key: null, body: { question: 'q' } }, 401],
      ['another route (refused)', '/api/v1/jobs', { key: null }, 401],
      ['an unknown route', '/nowhere', { key: null }, 404],
      ['health', '/healthz', { key: null }, 200],
    ])('are on %s', async (_name, path, options, status) => {
      const answer = await gateway.request(path, options);
      expect(answer.status).toBe(status);
      expectSecurityHeaders(answer);
      expect(answer.headers.get('cache-control')).toBe('no-store');
    });

    it('are on the docs page, whose policy allows its inline style and no script', async () => {
      const answer = await gateway.request('/api/v1/docs', { key: null });
      expect(answer.status).toBe(200);
      expectSecurityHeaders(answer);
      const csp = answer.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("style-src 'unsafe-inline'");
      expect(csp).not.toContain('script-src');
    });
  });

  describe('rate limit per key', () => {
    it('answers 429 with Retry-After once a key has used its burst, on the fast lane and the Nest routes alike, sparing other keys', async () => {
      // Requests that fail fast after authentication: an empty body on submit, a bad id on GET.
      const fastLane: Answer[] = [];
      for (let i = 0; i < 10; i++) fastLane.push(await gateway.request(basic, { key: 'ops', body: {} }));
      const nest: Answer[] = [];
      for (let i = 0; i < 10; i++) nest.push(await gateway.request('/api/v1/jobs/not-a-uuid', { key: 'ops' }));
      expect(fastLane[0].status).toBe(400);
      for (const answers of [fastLane, nest]) {
        const limited = answers.find((a) => a.status === 429);
        expect(limited).toBeDefined();
        const body = errorBody(limited!);
        expect(body.message).toContain("the API key 'ops' is over its rate limit of 1 requests per second (burst 5)");
        expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expectSecurityHeaders(limited!);
      }
      // Another key has its own bucket.
      expect((await gateway.request('/api/v1/jobs/not-a-uuid', { key: 'bob' })).status).toBe(400);
    });

    it('counts only authenticated keys: a request without a key is answered 401, never 429', async () => {
      for (let i = 0; i < 8; i++) expect((await gateway.request('/api/v1/jobs', { key: null })).status).toBe(401);
    });
  });

  describe('hostile bodies', () => {
    it('answers 413 for a body over CRUX_MAX_BODY_BYTES on both kinds of route', async () => {
      const big = { question: 'x'.repeat(4096) };
      const fast = await gateway.request(basic, { key: 'alice', body: big });
      expect(fast.status).toBe(413);
      errorBody(fast);
      // A route the key's role may call: the role is checked before the body is read.
      const nest = await gateway.request('/api/v1/jobs/3f1b7c5e-8f7a-4d0b-9a51-3e4f8a6b2c1d', {
        key: 'bob',
        method: 'DELETE',
        body: { reason: 'x'.repeat(4096) },
      });
      expect(nest.status).toBe(413);
      errorBody(nest);
    });

    it.each([
      ['__proto__ at the top', '{"question":"q","__proto__":{"polluted":true}}', '__proto__'],
      ['constructor.prototype at the top', '{"question":"q","constructor":{"prototype":{"polluted":true}}}', 'constructor'],
      ['prototype at the top', '{"question":"q","prototype":{"polluted":true}}', 'prototype'],
      ['__proto__ nested', '{"question":"q","extra":{"a":[{"__proto__":{"polluted":true}}]}}', 'extra'],
    ])('refuses %s by name and pollutes nothing', async (_name, raw, field) => {
      const answer = await gateway.request(basic, { key: 'alice', raw });
      expect(answer.status).toBe(400);
      expect(errorBody(answer).message).toContain(`unknown field ${field}`);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect((Object.prototype as unknown as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('refuses pollution keys inside a field that holds a list', async () => {
      const answer = await gateway.request('/api/v1/admin/purges', { key: 'ops', raw: '{"job_ids":[{"__proto__":{"polluted":true}}]}' });
      // ops may have used its budget above; either way nothing is polluted and the shape holds.
      expect([400, 429]).toContain(answer.status);
      errorBody(answer);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });

  it('documents the 429 on every authenticated route of the OpenAPI document', async () => {
    const doc = (await gateway.request('/api/v1/openapi.json', { key: null })).json;
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>)) {
      for (const [method, op] of Object.entries(item)) {
        if (op.responses['401'])
          expect({ route: `${method} ${path}`, has429: '429' in op.responses }).toEqual({ route: `${method} ${path}`, has429: true });
      }
    }
  });
});
