/**
 * Hundreds of generated malformed requests (fast-check) against the whole system, across every
 * endpoint: wrong types and shapes, huge strings, deep nesting, prototype-pollution keys, bad
 * ids, bad query strings, bad headers. No answer may be a 5xx; every refusal is a 4xx with the
 * `{status_code, error, message}` shape; afterwards every service is still ready and the jobs
 * created before are exactly as they were.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { JobView } from '@crux/contracts';
import { CruxSystem, TEST_KEYS, type TestKey } from '@crux/test-harness';
import { submit, waitForStatus } from './support/jobs.js';

const { alice, bob, ops, auditor } = TEST_KEYS;
const REQUESTS = 600;
const SEED = 20261128;

interface HostileRequest {
  route: string;
  method: string;
  path: string;
  key: TestKey | null;
  headers: Record<string, string>;
  body?: string;
}

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'];

/** JSON text a parser accepts but a validator must refuse (or, by chance, accept). */
const hostileJson: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  // Valid-looking bodies with wrong types and unknown fields.
  fc
    .record(
      {
        question: fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.array(fc.string()), fc.object()),
        n_iters: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null)),
        async_mode: fc.oneof(fc.boolean(), fc.string(), fc.integer()),
        temperature: fc.oneof(fc.double(), fc.string()),
        reason: fc.oneof(fc.string(), fc.integer(), fc.object()),
        job_ids: fc.oneof(fc.array(fc.oneof(fc.uuid(), fc.string(), fc.integer())), fc.string()),
        status: fc.oneof(fc.array(fc.string()), fc.string()),
        older_than: fc.oneof(fc.string(), fc.integer()),
        erase: fc.oneof(fc.boolean(), fc.string()),
        confirm_token: fc.oneof(fc.string(), fc.integer()),
        extra: fc.jsonValue(),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  // Prototype-pollution keys at any depth (written as text: an object literal would not keep __proto__ as a key).
  fc
    .tuple(
      fc.constantFrom(...PROTO_KEYS),
      fc.integer({ min: 0, max: 6 }),
      fc.constantFrom('{"polluted":true}', '{"prototype":{"polluted":true}}', '[1]'),
    )
    .map(([key, depth, value]) => `${'{"question":"q","a":'.repeat(depth)}{"question":"q","${key}":${value}}${'}'.repeat(depth)}`),
  // Deep nesting, up to far beyond any sane depth (within the body limit).
  fc.integer({ min: 100, max: 120_000 }).map((depth) => `{"question":${'['.repeat(depth)}${']'.repeat(depth)}}`),
  fc.integer({ min: 100, max: 120_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  // Huge strings, some over CRUX_MAX_BODY_BYTES (413).
  fc.integer({ min: 10_000, max: 400_000 }).map((n) => JSON.stringify({ question: 'x'.repeat(n) })),
  // Not JSON at all.
  fc.oneof(fc.string(), fc.constantFrom('', ' ', 'null', '[]', '"text"', '{', '{"question":', '\u0000', '{"question":"q",}', 'NaN')),
);

/** Ids that are not UUIDs, UUIDs of no job, and path tricks. */
const badId: fc.Arbitrary<string> = fc.oneof(
  fc.string({ minLength: 1, maxLength: 80 }).map(encodeURIComponent),
  fc.uuid(),
  fc.constantFrom(
    '00000000-0000-0000-0000-000000000000',
    '..%2F..%2Fadmin',
    '%00',
    'null',
    '1e9',
    '-1',
    '%7B%7D',
    '__proto__',
    'constructor',
    'a'.repeat(5000),
  ),
);

const badQuery: fc.Arbitrary<string> = fc.oneof(
  fc
    .dictionary(
      fc.constantFrom(
        'status',
        'limit',
        'cursor',
        'job_id',
        'action',
        'actor',
        'since',
        'until',
        '__proto__',
        'constructor',
        'x',
        'limit[]',
      ),
      fc.string({ maxLength: 50 }),
    )
    .map((q) => new URLSearchParams(q).toString()),
  fc.constantFrom(
    'limit=-1',
    'limit=1e9',
    'limit=abc',
    'limit=1&limit=2',
    'status=bogus',
    'cursor=%FF%FE',
    'since=yesterday',
    'job_id=42',
    '__proto__[x]=1',
    'a[b][c]=1',
    '%',
    '&&&',
    '=',
    'limit=' + '9'.repeat(400),
  ),
);

const badHeaders: fc.Arbitrary<Record<string, string>> = fc.oneof(
  fc.constant({ 'content-type': 'application/json' }),
  fc.constantFrom<Record<string, string>[]>(
    { 'content-type': 'text/plain' },
    { 'content-type': 'application/x-www-form-urlencoded' },
    { 'content-type': 'application/json; charset=latin1' },
    { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    { 'content-type': 'multipart/form-data; boundary=x' },
    { 'content-type': '' },
    { 'content-type': 'application/json', 'x-forwarded-for': '::1, 127.0.0.1, evil' },
    { 'content-type': 'application/json', accept: 'text/html' },
  ),
);

const caller: fc.Arbitrary<{ key: TestKey | null; authorization?: string }> = fc.oneof(
  fc.constantFrom({ key: alice }, { key: bob }, { key: ops }, { key: auditor }, { key: null }),
  fc
    .constantFrom(
      'Bearer',
      'Bearer  ',
      'Basic YTpi',
      'Bearer a b',
      `Bearer ${alice.secret}x`,
      `bearer ${'k'.repeat(4000)}`,
      'Bearer __proto__',
    )
    .map((authorization) => ({
      key: null,
      authorization,
    })),
);

interface RouteShape {
  route: string;
  method: string;
  path: fc.Arbitrary<string>;
  body?: boolean;
  /** 2xx answers a valid-by-chance request may get here. */
  accepts: number[];
  /** Whose key most requests carry, so most get past authentication to the validators. */
  key?: TestKey;
}

const ROUTES: RouteShape[] = [
  { route: 'POST /solve/basic', method: 'POST', path: fc.constant('/api/v1/solve/basic'), body: true, accepts: [200, 202], key: alice },
  {
    route: 'POST /solve/enhanced',
    method: 'POST',
    path: fc.constant('/api/v1/solve/enhanced'),
    body: true,
    accepts: [200, 202],
    key: alice,
  },
  { route: 'GET /jobs/{id}', method: 'GET', path: badId.map((id) => `/api/v1/jobs/${id}`), accepts: [], key: bob },
  { route: 'GET /jobs', method: 'GET', path: badQuery.map((q) => `/api/v1/jobs?${q}`), accepts: [200], key: alice },
  { route: 'GET /jobs/{id}/events', method: 'GET', path: badId.map((id) => `/api/v1/jobs/${id}/events`), accepts: [], key: alice },
  { route: 'DELETE /jobs/{id}', method: 'DELETE', path: badId.map((id) => `/api/v1/jobs/${id}`), body: true, accepts: [], key: bob },
  { route: 'POST /admin/purges', method: 'POST', path: fc.constant('/api/v1/admin/purges'), body: true, accepts: [201], key: ops },
  {
    route: 'POST /admin/purges/{id}/confirm',
    method: 'POST',
    path: badId.map((id) => `/api/v1/admin/purges/${id}/confirm`),
    body: true,
    accepts: [],
    key: ops,
  },
  { route: 'GET /admin/purges/{id}', method: 'GET', path: badId.map((id) => `/api/v1/admin/purges/${id}`), accepts: [], key: ops },
  {
    route: 'POST /admin/jobs/{id}/restore',
    method: 'POST',
    path: badId.map((id) => `/api/v1/admin/jobs/${id}/restore`),
    body: true,
    accepts: [],
    key: ops,
  },
  {
    route: 'PUT /admin/jobs/{id}/hold',
    method: 'PUT',
    path: badId.map((id) => `/api/v1/admin/jobs/${id}/hold`),
    body: true,
    accepts: [],
    key: ops,
  },
  {
    route: 'DELETE /admin/jobs/{id}/hold',
    method: 'DELETE',
    path: badId.map((id) => `/api/v1/admin/jobs/${id}/hold`),
    body: true,
    accepts: [],
    key: ops,
  },
  { route: 'GET /audit', method: 'GET', path: badQuery.map((q) => `/api/v1/audit?${q}`), accepts: [200], key: auditor },
  { route: 'GET /audit/verify', method: 'GET', path: badQuery.map((q) => `/api/v1/audit/verify?${q}`), accepts: [200], key: auditor },
  {
    route: 'unknown routes',
    method: 'GET',
    path: fc.string({ maxLength: 40 }).map((s) => `/api/v1/${encodeURIComponent(s)}/x`),
    accepts: [],
  },
];

const hostileRequest: fc.Arbitrary<HostileRequest> = fc.constantFrom(...ROUTES).chain((shape) =>
  fc
    .record({
      path: shape.path,
      who: shape.key
        ? fc.oneof(
            { weight: 4, arbitrary: fc.constant({ key: shape.key as TestKey | null, authorization: undefined as string | undefined }) },
            { weight: 1, arbitrary: caller },
          )
        : caller,
      headers: badHeaders,
      body: shape.body ? fc.option(hostileJson, { nil: undefined }) : fc.constant(undefined),
    })
    .map(({ path, who, headers, body }) => {
      const all = { ...headers };
      if (who.authorization !== undefined) all.authorization = who.authorization;
      return { route: shape.route, method: shape.method, path, key: who.key, headers: all, body };
    }),
);

const acceptsOf = new Map(ROUTES.map((r) => [r.route, r.accepts]));

describe('hostile input against the whole system', () => {
  let system: CruxSystem;
  const before = new Map<string, JobView>();

  /** A job as it stands, without the field that changes by itself (the remaining TTL). */
  async function snapshot(id: string): Promise<Record<string, unknown>> {
    const response = await system.request(`/api/v1/jobs/${id}`, ops);
    expect(response.status).toBe(200);
    const { ttl_s: _ttl, ...job } = (await response.json()) as Record<string, unknown>;
    return job;
  }

  beforeAll(async () => {
    system = await CruxSystem.start({
      // The rate limit has its own tests: here every request must reach the validators.
      env: {
        CRUX_SIMULATED_LATENCY_MS: '5',
        CRUX_RATE_LIMIT_PER_S: '100000',
        CRUX_RATE_LIMIT_BURST: '100000',
        CRUX_SYNC_TIMEOUT_MS: '5000',
      },
    });
    for (const [key, question] of [
      [alice, 'before the storm'],
      [bob, 'also before'],
      [alice, 'a third'],
    ] as const) {
      const { job_id } = await submit(system, key, 'basic', { question, n_iters: 1 });
      before.set(job_id, await waitForStatus(system, key, job_id, ['completed']));
    }
  });

  afterAll(async () => {
    await system?.stop();
  });

  it(`answers ${REQUESTS} generated malformed requests with 4xx and the error shape, never a 5xx, and loses or changes no job`, async () => {
    const snapshots = new Map<string, Record<string, unknown>>();
    for (const id of before.keys()) snapshots.set(id, await snapshot(id));

    const requests = fc.sample(hostileRequest, { numRuns: REQUESTS, seed: SEED });
    const problems: string[] = [];
    const byStatus = new Map<number, number>();
    let sent = 0;
    const one = async (r: HostileRequest) => {
      const headers = new Headers(r.headers);
      if (r.key) headers.set('authorization', `Bearer ${r.key.secret}`);
      const abort = AbortSignal.timeout(60_000);
      let status: number;
      let text: string;
      try {
        const response = await fetch(`${system.url}${r.path}`, { method: r.method, headers, body: r.body, signal: abort });
        sent++;
        status = response.status;
        text = await response.text();
      } catch (error) {
        problems.push(`${r.method} ${r.path.slice(0, 120)}: no answer (${(error as Error).message})`);
        return;
      }
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
      const what = `${r.route}: ${r.method} ${r.path.slice(0, 120)} body ${(r.body ?? '').slice(0, 120)} → ${status} ${text.slice(0, 200)}`;
      if (status >= 500) {
        problems.push(`5xx ${what}`);
        return;
      }
      if (status < 400) {
        if (!(acceptsOf.get(r.route) ?? []).includes(status)) problems.push(`unexpected success ${what}`);
        return;
      }
      let body: { status_code?: unknown; error?: unknown; message?: unknown } | undefined;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      if (!body || body.status_code !== status || typeof body.error !== 'string' || typeof body.message !== 'string')
        problems.push(`not the error shape ${what}`);
    };
    // A few at a time: hostile, but not a load test.
    for (let i = 0; i < requests.length; i += 6) await Promise.all(requests.slice(i, i + 6).map(one));

    const summary = [...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}×${n}`)
      .join(' ');
    process.stdout.write(`hostile-input: sent ${sent} requests (${summary})\n`);
    expect(problems).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(500);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    // Still ready, every service.
    expect((await system.request('/readyz', null)).status).toBe(200);
    for (const [label, proc] of system.processes) expect({ label, running: proc.running }).toEqual({ label, running: true });
    // The jobs from before: all there, none changed.
    for (const [id, was] of snapshots) expect(await snapshot(id)).toEqual(was);
    const listed = (await (await system.request('/api/v1/jobs?limit=100', ops)).json()) as { jobs: JobView[] };
    for (const id of before.keys()) expect(listed.jobs.map((j) => j.job_id)).toContain(id);
  });
});
