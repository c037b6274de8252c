/**
 * The OpenAPI document against the running system: a real answer of every operation it
 * describes (built services, real NATS and Redis) must have a status the operation documents
 * and a body its response schema accepts — and every event of a job's stream the JobEvent schema.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CruxSystem, OpenApiResponses, TEST_KEYS, waitFor, type TestKey } from '@crux/test-harness';
import { readSse } from './support/sse.js';
import { waitForStatus } from './support/jobs.js';

const { alice, ops, auditor } = TEST_KEYS;
const UNKNOWN_JOB = '5b1f0c3e-2d4a-4f6b-8c7d-9e0a1b2c3d4e';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('the OpenAPI document describes what the running system answers', () => {
  let system: CruxSystem;
  let responses: OpenApiResponses;
  const problems: string[] = [];
  const exercised = new Set<string>();

  /** One request; its answer is checked against the document and the operation counted as exercised. */
  async function call(method: string, path: string, key: TestKey | null, body?: unknown): Promise<{ status: number; json: Json }> {
    const response = await system.request(path, key, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const contentType = response.headers.get('content-type');
    const text = await response.text();
    const parsed = contentType?.startsWith('application/json') ? (JSON.parse(text) as Json) : undefined;
    exercised.add(responses.operationFor(method, path)?.operation.operationId ?? `${method} ${path}`);
    problems.push(...responses.problems(method, path, { status: response.status, contentType, body: parsed ?? text }));
    return { status: response.status, json: parsed ?? {} };
  }

  beforeAll(async () => {
    system = await CruxSystem.start({ env: { CRUX_WORKER_CONCURRENCY: '2', CRUX_SIMULATED_LATENCY_MS: '20' } });
    const served = await system.request('/api/v1/openapi.json', null);
    responses = new OpenApiResponses((await served.json()) as Json);
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('answers every operation as documented', async () => {
    // Operations and the console, as anyone may ask them.
    for (const path of [
      '/healthz',
      '/api/v1/healthz',
      '/readyz',
      '/api/v1/readyz',
      '/metrics',
      '/api/v1/metrics',
      '/api/v1/openapi.json',
      '/api/v1/asyncapi.json',
      '/api/v1/docs',
    ]) {
      await call('GET', path, null);
    }
    await call('GET', '/api/v1/whoami', auditor);
    const consolePage = await system.request('/console', null);
    const asset = /assets\/([A-Za-z0-9._-]+)/.exec(await consolePage.text())?.[1] ?? 'not-built.js';
    await call('GET', '/console', null);
    await call('GET', `/console/assets/${asset}`, null);

    // Submit: asynchronous, synchronous, enhanced.
    const basic = await call('POST', '/api/v1/solve/basic', alice, { question: 'What is 6 times 7?', n_iters: 2 });
    expect(basic.status).toBe(202);
    const sync = await call('POST', '/api/v1/solve/basic', alice, { question: 'What is 1 + 1?', n_iters: 1, async_mode: false });
    expect(sync.status).toBe(200);
    expect(
      (
        await call('POST', '/api/v1/solve/enhanced', alice, {
          question: 'Why?',
          num_specialists: 1,
          specialist_max_iters: 1,
          professor_max_iters: 1,
        })
      ).status,
    ).toBe(202);
    const long = await call('POST', '/api/v1/solve/basic', alice, { question: 'A long one', n_iters: 50 });

    // Read and follow.
    const jobId = basic.json.job_id as string;
    await waitForStatus(system, alice, jobId, ['completed']);
    expect((await call('GET', `/api/v1/jobs/${jobId}`, alice)).status).toBe(200);
    expect((await call('GET', '/api/v1/jobs?status=completed&limit=5', alice)).status).toBe(200);
    expect((await call('GET', `/api/v1/jobs/${UNKNOWN_JOB}`, alice)).status).toBe(404);
    const stream = await system.request(`/api/v1/jobs/${jobId}/events`, alice);
    const events = await readSse(stream);
    expect(events.map((e) => e.event)).toContain('completed');
    exercised.add(responses.operationFor('GET', `/api/v1/jobs/${jobId}/events`)!.operation.operationId);
    problems.push(
      ...responses.problems('GET', `/api/v1/jobs/${jobId}/events`, {
        status: stream.status,
        contentType: stream.headers.get('content-type'),
        body: '',
      }),
    );
    for (const event of events) problems.push(...responses.eventProblems(`/api/v1/jobs/${jobId}/events`, JSON.parse(event.data)));

    // Continue (202, or 409 when the evaluator converged), cancel a running job (202) and an ended one (409).
    expect([202, 409]).toContain((await call('POST', `/api/v1/solve/continue/${jobId}?additional_iterations=1`, alice)).status);
    await waitForStatus(system, alice, long.json.job_id, ['running', 'completed']);
    expect([202, 409]).toContain((await call('DELETE', `/api/v1/jobs/${long.json.job_id}`, alice, { reason: 'enough' })).status);
    expect((await call('DELETE', `/api/v1/jobs/${jobId}`, alice)).status).toBe(409);

    // Legal hold, purge, the 410 of a purged job, restore.
    expect((await call('PUT', `/api/v1/admin/jobs/${jobId}/hold`, ops, { reason: 'case 7' })).status).toBe(200);
    expect((await call('DELETE', `/api/v1/admin/jobs/${jobId}/hold`, ops)).status).toBe(200);
    const plan = await call('POST', '/api/v1/admin/purges', ops, { job_ids: [jobId], reason: 'tidy' });
    expect(plan.status).toBe(201);
    expect((await call('GET', `/api/v1/admin/purges/${plan.json.plan_id}`, ops)).status).toBe(200);
    expect(
      (await call('POST', `/api/v1/admin/purges/${plan.json.plan_id}/confirm`, ops, { confirm_token: plan.json.confirm_token })).status,
    ).toBe(202);
    await waitFor(async () => ((await system.request(`/api/v1/jobs/${jobId}`, alice)).status === 410 ? true : undefined), {
      what: 'the purged job to answer 410',
    });
    expect((await call('GET', `/api/v1/jobs/${jobId}`, alice)).status).toBe(410);
    expect((await call('POST', `/api/v1/admin/jobs/${jobId}/restore`, ops, { reason: 'mistake' })).status).toBe(200);

    // The trail.
    expect((await call('GET', `/api/v1/audit?job_id=${jobId}`, auditor)).status).toBe(200);
    expect((await call('GET', '/api/v1/audit/verify', auditor)).status).toBe(200);

    // A rebuild of the live state, and its progress.
    expect((await call('POST', '/api/v1/admin/rebuild-state', ops, { reason: 'check' })).status).toBe(202);
    expect((await call('GET', '/api/v1/admin/rebuild-state', ops)).status).toBe(200);

    expect(problems).toEqual([]);
    const unexercised = responses
      .operations()
      .filter((op) => !exercised.has(op.operationId))
      .map((op) => `${op.method} ${op.path}`);
    expect(unexercised).toEqual([]);
  });
});
