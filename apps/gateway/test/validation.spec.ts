import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RequestLimits } from '@crux/contracts';
import { errorBody, startTestGateway, startTestNats, type Gateway, type RequestOptions, type TestNats } from './support/gateway-fixture.js';

interface Case {
  name: string;
  path?: string;
  options: RequestOptions;
  status: number;
  /** Every one must appear in the message. */
  says: string[];
}

const basic = '/api/v1/solve/basic';
const enhanced = '/api/v1/solve/enhanced';

const cases: Case[] = [
  { name: 'missing question', options: { body: { n_iters: 2 } }, status: 400, says: ['question is required'] },
  { name: 'question of the wrong type', options: { body: { question: 42 } }, status: 400, says: ['question must be a string'] },
  { name: 'question null', options: { body: { question: null } }, status: 400, says: ['question must be a string'] },
  { name: 'empty question', options: { body: { question: '' } }, status: 400, says: ['question must not be empty'] },
  {
    name: 'oversize question',
    options: { body: { question: 'x'.repeat(RequestLimits.questionMaxChars + 1) } },
    status: 400,
    says: [`question must be at most ${RequestLimits.questionMaxChars} characters`],
  },
  {
    name: 'n_iters null',
    options: { body: { question: 'q', n_iters: null } },
    status: 400,
    says: ['n_iters must be a whole number, not null: leave n_iters out to use its default'],
  },
  {
    name: 'async_mode null',
    options: { body: { question: 'q', async_mode: null } },
    status: 400,
    says: ['async_mode must be true or false, not null'],
  },
  {
    name: 'a question of only whitespace',
    options: { body: { question: ' \n\t ' } },
    status: 400,
    says: ['question must not be blank: it holds only whitespace'],
  },
  {
    name: 'soft_time_limit_s above time_limit_s',
    options: { body: { question: 'q', soft_time_limit_s: 120, time_limit_s: 60 } },
    status: 400,
    says: ['soft_time_limit_s (120) must not be above time_limit_s (60)'],
  },
  {
    name: 'n_iters as a string (no coercion)',
    options: { body: { question: 'q', n_iters: '3' } },
    status: 400,
    says: ['n_iters must be a whole number'],
  },
  { name: 'n_iters fractional', options: { body: { question: 'q', n_iters: 2.5 } }, status: 400, says: ['n_iters must be a whole number'] },
  {
    name: 'n_iters out of range',
    options: { body: { question: 'q', n_iters: 0 } },
    status: 400,
    says: ['n_iters must not be less than 1'],
  },
  {
    name: 'temperature as a string',
    options: { body: { question: 'q', temperature: 'hot' } },
    status: 400,
    says: ['temperature must be a number'],
  },
  {
    name: 'async_mode as a string',
    options: { body: { question: 'q', async_mode: 'false' } },
    status: 400,
    says: ['async_mode must be true or false'],
  },
  {
    name: 'unknown provider',
    options: { body: { question: 'q', llm_provider: 'acme' } },
    status: 400,
    says: ['llm_provider must be one of: simulated, openai'],
  },
  {
    name: 'unknown fields',
    options: { body: { question: 'q', colour: 'red', size: 3 } },
    status: 400,
    says: ['unknown fields colour, size', 'allowed: question'],
  },
  {
    name: 'an enhanced-only field on a basic job',
    options: { body: { question: 'q', num_specialists: 2 } },
    status: 400,
    says: ['unknown field num_specialists'],
  },
  {
    name: 'a prototype key',
    options: { raw: '{"question":"q","__proto__":{"admin":true}}' },
    status: 400,
    says: ['unknown field __proto__'],
  },
  { name: 'a constructor key', options: { body: { question: 'q', constructor: 'x' } }, status: 400, says: ['unknown field constructor'] },
  {
    name: 'several problems at once',
    options: { body: { n_iters: 'x', extra: 1 } },
    status: 400,
    says: ['question is required', 'n_iters must be a whole number', 'unknown field extra'],
  },
  { name: 'malformed JSON', options: { raw: '{"question": "q",' }, status: 400, says: ['request body is not valid JSON'] },
  { name: 'an array body', options: { raw: '[{"question":"q"}]' }, status: 400, says: ['request body must be a JSON object'] },
  { name: 'a string body', options: { raw: '"question"' }, status: 400, says: ['request body must be a JSON object'] },
  { name: 'a null body', options: { raw: 'null' }, status: 400, says: ['request body must be a JSON object'] },
  { name: 'an empty body', options: { raw: '' }, status: 400, says: ['request body is empty'] },
  {
    name: 'no JSON content type',
    options: { raw: 'question=q', contentType: 'application/x-www-form-urlencoded' },
    status: 400,
    says: ['Content-Type: application/json'],
  },
  { name: 'a compressed body', options: { raw: '{}', headers: { 'content-encoding': 'gzip' } }, status: 415, says: ['uncompressed'] },
  {
    name: 'enhanced: too many specialists',
    path: enhanced,
    options: { body: { question: 'q', num_specialists: 99 } },
    status: 400,
    says: ['num_specialists must not be greater than 8'],
  },
  {
    name: 'enhanced: bad reasoning effort',
    path: enhanced,
    options: { body: { question: 'q', reasoning_effort: 'max' } },
    status: 400,
    says: ['reasoning_effort must be one of the following values: low, medium, high'],
  },
  { name: 'enhanced: malformed JSON', path: enhanced, options: { raw: '{' }, status: 400, says: ['request body is not valid JSON'] },
  { name: 'job id not a UUID', path: '/api/v1/jobs/42', options: {}, status: 400, says: ['job id must be a UUID'] },
  { name: 'events: job id not a UUID', path: '/api/v1/jobs/not-a-job/events', options: {}, status: 400, says: ['job id must be a UUID'] },
  {
    name: 'list: unknown status',
    path: '/api/v1/jobs?status=done',
    options: {},
    status: 400,
    says: ['status must be one of: pending, running, completed, failed, cancelled'],
  },
  { name: 'list: limit 0', path: '/api/v1/jobs?limit=0', options: {}, status: 400, says: ['limit must be a whole number from 1 to 100'] },
  {
    name: 'list: limit 101',
    path: '/api/v1/jobs?limit=101',
    options: {},
    status: 400,
    says: ['limit must be a whole number from 1 to 100'],
  },
  {
    name: 'list: limit not a number',
    path: '/api/v1/jobs?limit=ten',
    options: {},
    status: 400,
    says: ['limit must be a whole number from 1 to 100'],
  },
  {
    name: 'list: status twice',
    path: '/api/v1/jobs?status=pending&status=running',
    options: {},
    status: 400,
    says: ['status must be given once'],
  },
  {
    name: 'list: unknown parameter',
    path: '/api/v1/jobs?stauts=pending',
    options: {},
    status: 400,
    says: ['unknown query parameter stauts'],
  },
  { name: 'an unknown route', path: '/api/v1/nothing-here', options: {}, status: 404, says: ['no route GET /api/v1/nothing-here'] },
  {
    name: 'a known path with the wrong method',
    path: basic,
    options: { method: 'GET' },
    status: 404,
    says: ['no route GET /api/v1/solve/basic'],
  },
  { name: 'an unknown route without a key', path: '/nope', options: { key: null }, status: 404, says: ['no route GET /nope'] },
  {
    name: 'cancel: job id not a UUID',
    path: '/api/v1/jobs/42',
    options: { method: 'DELETE' },
    status: 400,
    says: ['job id must be a UUID'],
  },
  {
    name: 'purge: plan id not a UUID',
    path: '/api/v1/admin/purges/42',
    options: { key: 'ops' },
    status: 400,
    says: ['plan id must be a UUID'],
  },
  {
    name: 'purge: no filter',
    path: '/api/v1/admin/purges',
    options: { key: 'ops', body: {} },
    status: 400,
    says: ['a purge needs at least one filter'],
  },
  {
    name: 'purge: malformed JSON',
    path: '/api/v1/admin/purges',
    options: { key: 'ops', raw: '{"status":' },
    status: 400,
    says: ['request body is not valid JSON'],
  },
  {
    name: 'restore: job id not a UUID',
    path: '/api/v1/admin/jobs/x/restore',
    options: { key: 'ops', method: 'POST' },
    status: 400,
    says: ['job id must be a UUID'],
  },
  {
    name: 'hold: unknown field',
    path: '/api/v1/admin/jobs/3f1b7c5e-8f7a-4d0b-9a51-3e4f8a6b2c1d/hold',
    options: { key: 'ops', method: 'PUT', body: { until: 'x' } },
    status: 400,
    says: ['unknown field until (allowed: reason)'],
  },
  {
    name: 'audit: unknown action',
    path: '/api/v1/audit?action=purged',
    options: { key: 'audit' },
    status: 400,
    says: ['action must be one of'],
  },
  {
    name: 'audit: limit 1001',
    path: '/api/v1/audit?limit=1001',
    options: { key: 'audit' },
    status: 400,
    says: ['limit must be a whole number from 1 to 1000'],
  },
  {
    name: 'a bad Last-Event-ID',
    path: '/api/v1/jobs/3f1b7c5e-8f7a-4d0b-9a51-3e4f8a6b2c1d/events',
    options: { headers: { 'last-event-id': 'yesterday' } },
    status: 400,
    says: ['Last-Event-ID'],
  },
];

describe('invalid input', () => {
  let nats: TestNats;
  let gateway: Gateway;
  let small: Gateway;

  beforeAll(async () => {
    nats = await startTestNats();
    gateway = await startTestGateway(nats.server.url);
    small = await startTestGateway(nats.server.url, { CRUX_MAX_BODY_BYTES: '2048' });
  });

  afterAll(async () => {
    await gateway?.close();
    await small?.close();
    await nats?.close();
  });

  it.each(cases)('answers $status with a clear message for $name', async ({ path = basic, options, status, says }) => {
    const before = await nats.messageCount();
    const answer = await gateway.request(path, options);
    expect(answer.status).toBe(status);
    const body = errorBody(answer);
    for (const expected of says) expect(body.message).toContain(expected);
    // Nothing was submitted.
    expect(await nats.messageCount()).toBe(before);
  });

  it('names each field in details', async () => {
    const answer = await gateway.request(basic, { body: { n_iters: 'x', extra: 1 } });
    expect(answer.json.details).toEqual({
      fields: { question: ['question is required'], n_iters: ['n_iters must be a whole number'] },
      unknown_fields: ['extra'],
      allowed_fields: [
        'question',
        'context',
        'n_iters',
        'temperature',
        'model_name',
        'llm_provider',
        'async_mode',
        'soft_time_limit_s',
        'time_limit_s',
      ],
    });
  });

  it.each([basic, enhanced])('answers 413 for a body over CRUX_MAX_BODY_BYTES on %s', async (path) => {
    const answer = await small.request(path, { body: { question: 'x'.repeat(3000) } });
    expect(answer.status).toBe(413);
    expect(errorBody(answer).message).toBe('request body is larger than the limit of 2048 bytes (CRUX_MAX_BODY_BYTES)');
  });

  it.each([
    ['POST', '/api/v1/admin/purges'],
    ['DELETE', '/api/v1/jobs/3f1b7c5e-8f7a-4d0b-9a51-3e4f8a6b2c1d'],
  ])('answers 413 for a body over CRUX_MAX_BODY_BYTES on %s %s', async (method, path) => {
    const answer = await small.request(path, { key: 'ops', method, body: { reason: 'y'.repeat(3000) } });
    expect(answer.status).toBe(413);
    expect(errorBody(answer).message).toBe('request body is larger than the limit of 2048 bytes (CRUX_MAX_BODY_BYTES)');
  });

  it('answers 413 on the other routes too', async () => {
    // Every route's body passes through the same limit (this one takes an optional reason).
    const answer = await small.request('/api/v1/admin/rebuild-state', {
      key: 'ops',
      method: 'POST',
      raw: JSON.stringify({ x: 'y'.repeat(3000) }),
    });
    expect(answer.status).toBe(413);
    expect(errorBody(answer).message).toBe('request body is larger than the limit of 2048 bytes (CRUX_MAX_BODY_BYTES)');
  });

  it('answers malformed JSON on the other routes the same way', async () => {
    const answer = await gateway.request('/api/v1/admin/rebuild-state', { key: 'ops', method: 'POST', raw: '{"a":' });
    expect(answer.status).toBe(400);
    expect(errorBody(answer).message).toBe('request body is not valid JSON');
  });

  it('still accepts a valid job after all that', async () => {
    const answer = await gateway.request(basic, { body: { question: 'fine', n_iters: 3, temperature: 0.2, context: 'c' } });
    expect(answer.status).toBe(202);
  });
});
