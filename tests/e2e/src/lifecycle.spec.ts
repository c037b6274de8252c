/**
 * The job lifecycle through the whole system: HTTP → JOBS stream → job-state (Redis) and
 * worker (child processes) → events back over SSE. Real NATS, Redis and service processes.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { RedisKeys, type EventEnvelope } from '@crux/contracts';
import { CruxSystem, TEST_KEYS } from '@crux/test-harness';
import { readSse } from './support/sse.js';
import { getJob, submit, waitForStatus } from './support/jobs.js';

const { alice, bob, ops, auditor } = TEST_KEYS;

describe('job lifecycle end to end', () => {
  let system: CruxSystem;
  let redis: Redis;

  beforeAll(async () => {
    system = await CruxSystem.start({ env: { CRUX_WORKER_CONCURRENCY: '2', CRUX_SIMULATED_LATENCY_MS: '5' } });
    redis = new Redis(system.redis.url);
  });

  afterAll(async () => {
    redis?.disconnect();
    await system?.stop();
  });

  it('runs a basic job to completion: result, Redis hash with every field and a TTL, SSE history', async () => {
    const accepted = await submit(system, alice, 'basic', { question: 'What is 2 + 2?', n_iters: 4 });
    expect(accepted.status).toBe('pending');
    expect(accepted.job_id).toMatch(/^[0-9a-f-]{36}$/);

    const job = await waitForStatus(system, alice, accepted.job_id, ['completed', 'failed']);
    expect(job.status).toBe('completed');
    expect(job.result?.output).toEqual(expect.any(String));
    expect(job.result?.iterations).toBeGreaterThanOrEqual(1);
    expect(job.result?.iterations).toBeLessThanOrEqual(4);
    expect(['evaluator_stop', 'max_iters']).toContain(job.result?.stop_reason);
    expect(job.progress).toBe(1);
    expect(job.owner).toBe('alice');
    expect(job.mode).toBe('basic');

    const hash = await redis.hgetall(RedisKeys.job(accepted.job_id));
    for (const field of [
      'job_id',
      'status',
      'created_at',
      'started_at',
      'completed_at',
      'progress',
      'current_phase',
      'result',
      'partial_results',
      'request',
      'mode',
      'owner',
      'version',
    ]) {
      expect(hash).toHaveProperty(field);
    }
    expect(hash.status).toBe('completed');
    expect(JSON.parse(hash.request).question).toBe('What is 2 + 2?');
    // The completed TTL (7 days), not the active one; Redis's own TTL is the backstop,
    // CRUX_EXPIRY_GRACE_S (60 s) later than job-state's own expiry.
    const ttl = await redis.ttl(RedisKeys.job(accepted.job_id));
    expect(ttl).toBeGreaterThan(604_800 - 60);
    expect(ttl).toBeLessThanOrEqual(604_800 + 60);
    expect(job.ttl_s).toBeGreaterThan(604_800 - 60);
    expect(job.ttl_s).toBeLessThanOrEqual(604_800);

    const response = await system.request(`/api/v1/jobs/${accepted.job_id}/events`, alice);
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const types = (await readSse(response)).map((e) => e.event);
    expect(types[0]).toBe('created');
    expect(types[1]).toBe('started');
    expect(types.at(-1)).toBe('completed');
    // Between them only progress — none at all when the job ends within the progress
    // throttle, since `completed` says everything those would have.
    expect(types.slice(2, -1).every((t) => t === 'progress')).toBe(true);
  });

  it('streams a job live over SSE from submission to its end', async () => {
    const accepted = await submit(system, alice, 'basic', { question: 'Live stream me', n_iters: 3 });
    const response = await system.request(`/api/v1/jobs/${accepted.job_id}/events`, alice);
    const events = await readSse(response);
    const envelopes = events.map((e) => JSON.parse(e.data) as EventEnvelope);
    expect(envelopes.every((e) => e.job_id === accepted.job_id)).toBe(true);
    expect(envelopes[0].actor).toEqual({ kind: 'user', id: 'alice' });
    expect(envelopes[1].actor.kind).toBe('service');
    expect(envelopes.at(-1)?.type).toBe('completed');
    const progress = envelopes.filter((e) => e.type === 'progress').map((e) => (e.data as { progress: number }).progress);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });

  it('runs an enhanced job: a professor plans specialists, each self-evolves, then a synthesis', async () => {
    const accepted = await submit(system, alice, 'enhanced', { question: 'Design a bridge', num_specialists: 2, specialist_max_iters: 2 });
    const job = await waitForStatus(system, alice, accepted.job_id, ['completed', 'failed']);
    expect(job.status).toBe('completed');
    expect(job.mode).toBe('enhanced');
    expect(job.result?.output).toEqual(expect.any(String));
    const metadata = job.result?.metadata as { plan: unknown[]; specialists: Array<{ role: string; iterations: number }> };
    expect(metadata.plan).toHaveLength(2);
    expect(metadata.specialists).toHaveLength(2);
    for (const specialist of metadata.specialists) {
      expect(specialist.iterations).toBeGreaterThanOrEqual(1);
      expect(specialist.iterations).toBeLessThanOrEqual(2);
    }
    const types = (await readSse(await system.request(`/api/v1/jobs/${accepted.job_id}/events`, alice))).map((e) => e.event);
    expect(types[0]).toBe('created');
    expect(types.at(-1)).toBe('completed');
  });

  it('answers with the solution when async_mode is false', async () => {
    const response = await system.request('/api/v1/solve/basic', alice, {
      method: 'POST',
      body: JSON.stringify({ question: 'Wait for me', n_iters: 2, async_mode: false }),
    });
    const body = (await response.json()) as { status: string; job_id: string; result: { output: string } };
    expect(response.status).toBe(200);
    expect(body.status).toBe('completed');
    expect(body.result.output).toEqual(expect.any(String));
    expect((await getJob(system, alice, body.job_id)).body.status).toBe('completed');
  });

  it('shows a submitter only its own jobs, and an operator all of them', async () => {
    const mine = await submit(system, bob, 'basic', { question: 'bob only', n_iters: 1 });
    expect((await getJob(system, alice, mine.job_id)).status).toBe(404);
    expect((await getJob(system, bob, mine.job_id)).status).toBe(200);
    expect((await getJob(system, ops, mine.job_id)).status).toBe(200);
    expect((await system.request(`/api/v1/jobs/${mine.job_id}/events`, alice)).status).toBe(404);

    const bobsList = (await (await system.request('/api/v1/jobs?limit=100', bob)).json()) as { jobs: { owner: string }[] };
    expect(bobsList.jobs.length).toBeGreaterThanOrEqual(1);
    expect(bobsList.jobs.every((j) => j.owner === 'bob')).toBe(true);
    const all = (await (await system.request('/api/v1/jobs?limit=100', ops)).json()) as { jobs: { owner: string }[] };
    expect(new Set(all.jobs.map((j) => j.owner))).toEqual(new Set(['alice', 'bob']));
    expect((await system.request('/api/v1/jobs', auditor)).status).toBe(403);
  });

  it('pages through jobs newest first with a cursor and filters by status', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await submit(system, bob, 'basic', { question: `page ${i}`, n_iters: 1 })).job_id);
    for (const id of ids) await waitForStatus(system, bob, id, ['completed']);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/api/v1/jobs?status=completed&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = (await (await system.request(query, bob)).json()) as {
        jobs: { job_id: string; status: string }[];
        next_cursor: string | null;
      };
      expect(page.jobs.length).toBeLessThanOrEqual(2);
      expect(page.jobs.every((j) => j.status === 'completed')).toBe(true);
      seen.push(...page.jobs.map((j) => j.job_id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    // Newest first: the last five submitted come first, in reverse order.
    expect(seen.slice(0, 5)).toEqual([...ids].reverse());
  });

  it('answers bad input with a clear 4xx, never a 500', async () => {
    const cases: Array<[string, RequestInit, number, RegExp]> = [
      ['/api/v1/solve/basic', { method: 'POST', body: JSON.stringify({}) }, 400, /question/],
      ['/api/v1/solve/basic', { method: 'POST', body: JSON.stringify({ question: 42 }) }, 400, /question/],
      ['/api/v1/solve/basic', { method: 'POST', body: JSON.stringify({ question: 'x'.repeat(20_001) }) }, 400, /question/],
      ['/api/v1/solve/basic', { method: 'POST', body: JSON.stringify({ question: 'q', surprise: 1 }) }, 400, /surprise/],
      ['/api/v1/solve/basic', { method: 'POST', body: '{"question": "q",' }, 400, /JSON/i],
      ['/api/v1/solve/basic', { method: 'POST', body: JSON.stringify({ question: 'q', n_iters: '3' }) }, 400, /n_iters/],
      ['/api/v1/jobs/not-a-uuid', {}, 400, /UUID/i],
      ['/api/v1/jobs/00000000-0000-4000-8000-000000000000', {}, 404, /not found/i],
    ];
    for (const [path, init, status, message] of cases) {
      const response = await system.request(path, alice, init);
      const body = (await response.json()) as { status_code: number; error: string; message: string };
      expect({ path, status: response.status }).toEqual({ path, status });
      expect(body.status_code).toBe(status);
      expect(body.message).toMatch(message);
    }
    const noKey = await system.request('/api/v1/jobs', null);
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as { message: string }).message).toMatch(/key|authori/i);
  });

  it('is ready when NATS, job-state and Redis answer, and exposes metrics', async () => {
    expect((await system.request('/readyz', null)).status).toBe(200);
    expect((await system.request('/healthz', null)).status).toBe(200);
    const metrics = await (await system.request('/metrics', null)).text();
    expect(metrics).toMatch(/# TYPE \w+ (counter|histogram|gauge)/);
  });
});
