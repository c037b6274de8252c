import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { gzipSync } from 'node:zlib';
import { errorBody, Keys, startTestGateway, startTestNats, type Gateway, type KeyName, type TestNats } from './support/gateway-fixture.js';
import { firstStatus, lastJson, rawConnect } from './support/raw-http.js';
import { jobView, StateResponder } from './support/state-responder.js';

const JOB = '3f1b7c5e-8f7a-4d0b-9a51-3e4f8a6b2c1d';

/** Every route that takes a body, with a key whose role may call it. */
const BODY_ROUTES: { name: string; method: string; path: string; key: KeyName }[] = [
  { name: 'POST /solve/basic', method: 'POST', path: '/api/v1/solve/basic', key: 'alice' },
  { name: 'POST /solve/enhanced', method: 'POST', path: '/api/v1/solve/enhanced', key: 'alice' },
  { name: 'DELETE /jobs/{id}', method: 'DELETE', path: `/api/v1/jobs/${JOB}`, key: 'bob' },
  { name: 'POST /admin/purges', method: 'POST', path: '/api/v1/admin/purges', key: 'ops' },
  { name: 'POST /admin/purges/{plan_id}/confirm', method: 'POST', path: `/api/v1/admin/purges/${JOB}/confirm`, key: 'ops' },
  { name: 'POST /admin/jobs/{id}/restore', method: 'POST', path: `/api/v1/admin/jobs/${JOB}/restore`, key: 'ops' },
  { name: 'PUT /admin/jobs/{id}/hold', method: 'PUT', path: `/api/v1/admin/jobs/${JOB}/hold`, key: 'ops' },
  { name: 'DELETE /admin/jobs/{id}/hold', method: 'DELETE', path: `/api/v1/admin/jobs/${JOB}/hold`, key: 'ops' },
  { name: 'POST /admin/rebuild-state', method: 'POST', path: '/api/v1/admin/rebuild-state', key: 'ops' },
];

const OPERATOR_ROUTES = BODY_ROUTES.filter((route) => route.key === 'ops');

describe('one order on every route: authenticate, authorise, then read the body', () => {
  let nats: TestNats;
  let gateway: Gateway;

  beforeAll(async () => {
    nats = await startTestNats();
    gateway = await startTestGateway(nats.server.url, { CRUX_MAX_BODY_BYTES: '2048' });
  });

  afterAll(async () => {
    await gateway?.close();
    await nats?.close();
  });

  it.each(BODY_ROUTES)('answers 401, not 400, to malformed JSON without a key on $name', async ({ method, path }) => {
    const answer = await gateway.request(path, { key: null, method, raw: '{"reason":' });
    expect(answer.status).toBe(401);
    expect(errorBody(answer).message).toContain('missing API key');
  });

  it.each(OPERATOR_ROUTES)('answers a submitter 403, not 400, on $name whatever the body', async ({ method, path }) => {
    for (const raw of ['{"reason":', JSON.stringify({ reason: 'x'.repeat(4096) })]) {
      const answer = await gateway.request(path, { key: 'bob', method, raw });
      expect(answer.status).toBe(403);
      expect(errorBody(answer).message).toContain('needs the operator role');
    }
  });

  it.each(BODY_ROUTES)('refuses a gzip or deflate body with 415 on $name, as on submit', async ({ method, path, key }) => {
    for (const encoding of ['gzip', 'deflate']) {
      const answer = await gateway.request(path, {
        key,
        method,
        raw: gzipSync('{"reason":"r"}').toString('latin1'),
        headers: { 'content-encoding': encoding },
      });
      expect(answer.status).toBe(415);
      expect(errorBody(answer).message).toBe(`unsupported content encoding "${encoding}"; send the body uncompressed`);
    }
  });

  it('refuses two Authorization headers with 400, even when both hold valid keys', async () => {
    const connection = await rawConnect(gateway.url);
    try {
      connection.send(
        `GET /api/v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${Keys.ops}\r\nAuthorization: Bearer ${Keys.alice}\r\nConnection: close\r\n\r\n`,
      );
      const received = await connection.closed;
      expect(firstStatus(received)).toBe(400);
      expect(lastJson(received).message).toBe(
        'the request has more than one Authorization header; send exactly one: Authorization: Bearer <api key>',
      );
    } finally {
      connection.close();
    }
  });

  it('answers a path parameter too long for the router in the error shape, with the security headers', async () => {
    const answer = await gateway.request(`/api/v1/jobs/${'a'.repeat(200)}`);
    expect(answer.status).toBe(414);
    expect(errorBody(answer).message).toBe('a path segment is longer than 100 characters; job and plan ids are UUIDs');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('does not read the body of a route that does not exist: 404, whatever the body', async () => {
    for (const raw of ['{"a":', JSON.stringify({ x: 'y'.repeat(4096) })]) {
      const answer = await gateway.request('/api/v1/jobs', { method: 'POST', raw });
      expect(answer.status).toBe(404);
      expect(errorBody(answer).message).toBe('no route POST /api/v1/jobs; the API is described at /api/v1/docs');
    }
  });
});

describe('Expect: 100-continue', () => {
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

  const expectContinue = (key: string, length: number) =>
    `POST /api/v1/solve/basic HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${length}\r\nExpect: 100-continue\r\n\r\n`;

  it('answers a 3 MB body 413 from its Content-Length, without a 100 first, then closes the connection', async () => {
    const connection = await rawConnect(gateway.url);
    try {
      connection.send(expectContinue(Keys.alice, 3 * 1024 * 1024));
      const received = await connection.closed;
      expect(received).not.toContain('100 Continue');
      expect(firstStatus(received)).toBe(413);
      expect(lastJson(received).message).toBe('request body is larger than the limit of 262144 bytes (CRUX_MAX_BODY_BYTES)');
    } finally {
      connection.close();
    }
  });

  it('never asks a caller it refuses for the body: 401 without a 100', async () => {
    const connection = await rawConnect(gateway.url);
    try {
      connection.send(expectContinue('not-a-key', 20));
      const received = await connection.waitFor(/\r\n\r\n\{.*\}$/s);
      expect(received).not.toContain('100 Continue');
      expect(firstStatus(received)).toBe(401);
    } finally {
      connection.close();
    }
  });

  it('asks an accepted caller for the body with a 100, then takes the job', async () => {
    const body = JSON.stringify({ question: 'continue me' });
    const connection = await rawConnect(gateway.url);
    try {
      connection.send(expectContinue(Keys.alice, Buffer.byteLength(body)));
      await connection.waitFor(/^HTTP\/1\.1 100 Continue\r\n\r\n/);
      connection.send(body);
      const received = await connection.waitFor(/HTTP\/1\.1 202 Accepted[\s\S]*\r\n\r\n\{.*\}$/);
      expect(lastJson(received)).toMatchObject({ status: 'pending' });
    } finally {
      connection.close();
    }
  });
});

describe('one rule for job ids: an upper-case UUID is the same job', () => {
  let nats: TestNats;
  let gateway: Gateway;
  let responder: StateResponder;
  const owned = jobView({ job_id: JOB, owner: 'alice', status: 'completed' });

  beforeAll(async () => {
    nats = await startTestNats();
    gateway = await startTestGateway(nats.server.url, {}, undefined, { commandTimeoutMs: 2000 });
    const answer = { ok: true as const, value: owned };
    responder = await StateResponder.start(nats.server.url, () => answer, undefined, {
      hold: () => answer,
      release: () => answer,
      restore: () => answer,
    });
  });

  afterAll(async () => {
    await responder?.stop();
    await gateway?.close();
    await nats?.close();
  });

  it('asks job-state for the lower-case id on GET, continue and cancel, and on hold, release and restore', async () => {
    const upper = JOB.toUpperCase();
    expect((await gateway.request(`/api/v1/jobs/${upper}`)).status).toBe(200);
    await gateway.request(`/api/v1/solve/continue/${upper}?additional_iterations=1`, { method: 'POST' });
    await gateway.request(`/api/v1/jobs/${upper}`, { method: 'DELETE' });
    expect(responder.gets.length).toBeGreaterThanOrEqual(3);
    for (const get of responder.gets) expect(get.job_id).toBe(JOB);
    for (const [method, path] of [
      ['PUT', 'hold'],
      ['DELETE', 'hold'],
      ['POST', 'restore'],
    ]) {
      expect((await gateway.request(`/api/v1/admin/jobs/${upper}/${path}`, { key: 'ops', method })).status).toBe(200);
    }
    expect(
      [...responder.commands.hold, ...responder.commands.release, ...responder.commands.restore].map((command) => command.job_id),
    ).toEqual([JOB, JOB, JOB]);
  });

  it('follows the events of a job named in upper case', async () => {
    const submitted = await gateway.request('/api/v1/solve/basic', { body: { question: 'q' } });
    const jobId: string = submitted.json.job_id;
    const answer = await fetch(`${gateway.url}/api/v1/jobs/${jobId.toUpperCase()}/events`, {
      headers: { authorization: `Bearer ${Keys.alice}` },
    });
    try {
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    } finally {
      await answer.body?.cancel();
    }
  });
});

describe('slow clients', () => {
  let nats: TestNats;
  let gateway: Gateway;

  beforeAll(async () => {
    nats = await startTestNats();
    gateway = await startTestGateway(nats.server.url, { CRUX_HTTP_HEADERS_TIMEOUT_MS: '500', CRUX_HTTP_REQUEST_TIMEOUT_MS: '1000' });
  });

  afterAll(async () => {
    await gateway?.close();
    await nats?.close();
  });

  /** Sends `text` a byte at a time every 100 ms until the server closes the connection; what was left unsent. */
  async function drip(text: string, connection: Awaited<ReturnType<typeof rawConnect>>): Promise<number> {
    let sent = 0;
    let closed = false;
    void connection.closed.then(() => (closed = true));
    while (!closed && sent < text.length) {
      connection.send(text[sent++]);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await connection.closed;
    return text.length - sent;
  }

  it('cuts off a client dripping its headers, with a 408 in the API error shape', async () => {
    const connection = await rawConnect(gateway.url);
    // 300 bytes at 10 a second would take 30 s; the headers timeout is 0.5 s.
    const headers = `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ${'s'.repeat(260)}\r\n\r\n`;
    const unsent = await drip(headers, connection);
    expect(unsent).toBeGreaterThan(0);
    expect(firstStatus(connection.received())).toBe(408);
    expect(lastJson(connection.received()).message).toContain('CRUX_HTTP_HEADERS_TIMEOUT_MS');
  });

  it('cuts off a client dripping its body', async () => {
    const connection = await rawConnect(gateway.url);
    const body = JSON.stringify({ question: 'q'.repeat(280) });
    connection.send(
      `POST /api/v1/solve/basic HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${Keys.alice}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    const unsent = await drip(body, connection);
    expect(unsent).toBeGreaterThan(0);
    expect(await nats.messageCount()).toBe(0);
  });
});
