/**
 * The ops console as the gateway serves it: the page and its assets from the console's
 * build with their content types, caching and the console's own Content-Security-Policy,
 * while the API keeps its strict one; and GET /api/v1/whoami, which the console signs in with.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CONSOLE_DIST } from '../src/console/console-assets.js';
import { CONSOLE_CONTENT_SECURITY_POLICY } from '../src/console/console-headers.js';
import { errorBody, startTestGateway, startTestNats, type Gateway, type TestNats } from './support/gateway-fixture.js';

describe('the ops console at /console', () => {
  let nats: TestNats;
  let gateway: Gateway;

  beforeAll(async () => {
    nats = await startTestNats();
    gateway = await startTestGateway(nats.server.url);
  });

  afterAll(async () => {
    await gateway?.close();
    await nats?.close();
  });

  it('serves the page with the console policy, no caching of the page, and no key needed', async () => {
    const answer = await gateway.request('/console', { key: null });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(answer.headers.get('content-security-policy')).toBe(CONSOLE_CONTENT_SECURITY_POLICY);
    expect(answer.headers.get('cache-control')).toBe('no-cache');
    expect(answer.headers.get('x-frame-options')).toBe('DENY');
    expect(answer.text).toContain('<div id="app"></div>');
    // Nothing inline and nothing from elsewhere: every script is a file of this origin.
    expect(answer.text).not.toMatch(/<script(?![^>]*\ssrc="\/console\/assets\/)[^>]*>/);
    expect(answer.text).not.toMatch(/https?:\/\//);
  });

  it('serves every asset of the build with its content type, cached for good', async () => {
    const names = readdirSync(join(CONSOLE_DIST, 'assets'));
    expect(names.some((n) => n.endsWith('.js'))).toBe(true);
    for (const name of names) {
      const answer = await gateway.request(`/console/assets/${name}`, { key: null });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe(
        name.endsWith('.js') ? 'text/javascript; charset=utf-8' : name.endsWith('.css') ? 'text/css; charset=utf-8' : 'image/svg+xml',
      );
      expect(answer.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(answer.headers.get('content-security-policy')).toBe(CONSOLE_CONTENT_SECURITY_POLICY);
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it.each(['nope.js', '..%2F..%2Fpackage.json', '.env', 'index.html', '%2e%2e%2fconsole-assets.ts'])(
    'answers 404 for an asset %s that is not in the build',
    async (name) => {
      const answer = await gateway.request(`/console/assets/${name}`, { key: null });
      expect(answer.status).toBe(404);
      expect(errorBody(answer).message).toMatch(/no console asset named/);
    },
  );

  it('leaves the API its strict policy and no-store', async () => {
    const answer = await gateway.request('/api/v1/whoami', { key: 'alice' });
    expect(answer.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'unsafe-inline'/);
    expect(answer.headers.get('content-security-policy')).not.toContain('script-src');
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });
});

describe('GET /api/v1/whoami', () => {
  let nats: TestNats;
  let gateway: Gateway;

  beforeAll(async () => {
    nats = await startTestNats();
    gateway = await startTestGateway(nats.server.url);
  });

  afterAll(async () => {
    await gateway?.close();
    await nats?.close();
  });

  it.each([
    ['alice', 'submitter'],
    ['ops', 'operator'],
    ['audit', 'auditor'],
  ] as const)("answers %s's name and role", async (key, role) => {
    const answer = await gateway.request('/api/v1/whoami', { key });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ name: key, role });
  });

  it('answers 401 for a key it does not know, saying so', async () => {
    const answer = await gateway.request('/api/v1/whoami', { authorization: 'Bearer not-a-key' });
    expect(answer.status).toBe(401);
    expect(errorBody(answer).message).toBe('API key not recognised');
  });
});
