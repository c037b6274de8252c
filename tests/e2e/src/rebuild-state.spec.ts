/**
 * Losing Redis through the whole system: jobs finish, one is cancelled, one purged; then
 * Redis is flushed. job-state notices its missing sentinel and rebuilds the live state from
 * JOBS by itself, so every job answers exactly as before (the purged one still 410); then
 * the built `crux rebuild-state` asks for another rebuild, which finds nothing to restore.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import type { RebuildProgress } from '@crux/contracts';
import { CruxSystem, TEST_KEYS, waitFor } from '@crux/test-harness';
import { crux as runCrux } from './support/crux-cli.js';
import { jobEvents } from './support/job-events.js';
import { submit, waitForStatus } from './support/jobs.js';

const { alice, ops } = TEST_KEYS;
const post = (body: unknown): RequestInit => ({ method: 'POST', body: JSON.stringify(body) });

/** What GET /api/v1/jobs/{id} answered, for every job of the test. */
type Answers = Record<string, { status: number; body: Record<string, unknown> }>;

async function answersFor(system: CruxSystem, ids: readonly string[]): Promise<Answers> {
  const answers: Answers = {};
  for (const id of ids) {
    const response = await system.request(`/api/v1/jobs/${id}`, ops);
    answers[id] = { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
  return answers;
}

/** The answers once nothing moves any more: two reads, some time apart, agree. */
async function settledAnswers(system: CruxSystem, ids: readonly string[]): Promise<Answers> {
  let previous = JSON.stringify(await answersFor(system, ids));
  return waitFor(
    async () => {
      const answers = await answersFor(system, ids);
      const now = JSON.stringify(answers);
      const same = now === previous;
      previous = now;
      return same ? answers : undefined;
    },
    { what: 'the jobs to settle', intervalMs: 300 },
  );
}

/** Every answer as before; `ttl_s` counts down, so it is compared loosely (within `slackS`). */
function expectSameAnswers(after: Answers, before: Answers, slackS: number): void {
  const withoutTtl = (answers: Answers) =>
    Object.fromEntries(
      Object.entries(answers).map(([id, { status, body }]) => [id, { status, body: { ...body, ttl_s: typeof body.ttl_s } }]),
    );
  expect(withoutTtl(after)).toEqual(withoutTtl(before));
  for (const [id, { body }] of Object.entries(before)) {
    if (typeof body.ttl_s !== 'number') continue;
    const now = after[id].body.ttl_s as number;
    expect({ id, ttl_s: now, close: Math.abs(body.ttl_s - now) <= slackS }).toEqual({ id, ttl_s: now, close: true });
  }
}

function rebuildProgress(system: CruxSystem): Promise<{ status: number; body: RebuildProgress }> {
  return system
    .request('/api/v1/admin/rebuild-state', ops)
    .then(async (r) => ({ status: r.status, body: (await r.json()) as RebuildProgress }));
}

/** The built `crux` as the operator, reading progress often so the test does not wait on it. */
const crux = (system: CruxSystem, args: string[]) => runCrux(system, args, ops.secret, { CRUX_POLL_MS: '100' });

describe('rebuilding the live state after Redis lost it', () => {
  let system: CruxSystem;
  let redis: Redis;
  const ids: string[] = [];
  let purged: string;
  let before: Answers;

  beforeAll(async () => {
    system = await CruxSystem.start({ env: { CRUX_SIMULATED_LATENCY_MS: '20', CRUX_WORKER_CONCURRENCY: '4' } });
    redis = new Redis(system.redis.url);

    const finished = await Promise.all([
      submit(system, alice, 'basic', { question: 'What is 2 + 2?', n_iters: 2 }),
      submit(system, alice, 'basic', { question: 'Name a prime above 100', n_iters: 3 }),
      submit(system, alice, 'enhanced', {
        question: 'Plan a small garden',
        num_specialists: 2,
        specialist_max_iters: 1,
        professor_max_iters: 1,
      }),
      submit(system, alice, 'basic', { question: 'Purge me afterwards', n_iters: 1 }),
    ]);
    // Long enough (50 iterations of 20 ms calls) to be cancelled while it runs.
    const long = await submit(system, alice, 'basic', { question: 'A long one to cancel', n_iters: 50 });
    await waitForStatus(system, alice, long.job_id, ['running']);
    expect((await system.request(`/api/v1/jobs/${long.job_id}`, alice, { method: 'DELETE' })).status).toBe(202);
    for (const { job_id } of finished) await waitForStatus(system, alice, job_id, ['completed']);
    ids.push(...finished.map((j) => j.job_id), long.job_id);

    purged = finished[3].job_id;
    const plan = await system.request('/api/v1/admin/purges', ops, post({ job_ids: [purged], reason: 'rebuild test' }));
    const { plan_id, confirm_token } = (await plan.json()) as { plan_id: string; confirm_token: string };
    expect((await system.request(`/api/v1/admin/purges/${plan_id}/confirm`, ops, post({ confirm_token }))).status).toBe(202);
    await waitFor(async () => (await system.request(`/api/v1/jobs/${purged}`, ops)).status === 410, {
      what: 'the purged job to answer 410',
    });
    // The worker's revoke is the cancelled job's last event: wait for it, then for the projection to settle.
    await waitFor(async () => (await jobEvents(system.nats.url, long.job_id)).some((e) => e.type === 'revoked'), { what: 'the revoke' });
    before = await settledAnswers(system, ids);
  });

  afterAll(async () => {
    redis?.disconnect();
    await system?.stop();
  });

  it('brings every job back by itself after FLUSHALL, answering exactly as before; the purged job stays 410', async () => {
    expect(
      Object.values(before)
        .map((a) => a.status)
        .sort(),
    ).toEqual([200, 200, 200, 200, 410]);
    expect(before[ids[4]].body.status).toBe('cancelled');
    expect(before[purged].body).toMatchObject({ reason: 'purge' });
    expect(await rebuildProgress(system)).toMatchObject({ status: 404 });

    await redis.flushall();
    const rebuilt = await waitFor(
      async () => {
        const progress = await rebuildProgress(system);
        return progress.status === 200 && progress.body.status !== 'running' ? progress.body : undefined;
      },
      { what: 'the automatic rebuild to finish', timeoutMs: 20_000 },
    );
    expect(rebuilt).toMatchObject({
      status: 'completed',
      trigger: 'redis_empty',
      actor: 'job-state',
      jobs_restored: 4,
      jobs_deleted: 1,
      error: null,
    });
    expect(rebuilt.events_read).toBeGreaterThanOrEqual(ids.length * 3);

    expectSameAnswers(await answersFor(system, ids), before, 60);
  });

  it('crux rebuild-state refuses without --yes off a terminal, then with --yes finds nothing to restore and changes nothing', async () => {
    const jobKeys = ids.filter((id) => id !== purged).map((id) => `job:${id}`);
    const hashes = async () => Promise.all(jobKeys.map((key) => redis.hgetall(key)));
    const hashesBefore = await hashes();
    expect(hashesBefore.every((hash) => typeof hash.status === 'string')).toBe(true);
    const automatic = (await rebuildProgress(system)).body;

    const refused = await crux(system, ['rebuild-state']);
    expect({ code: refused.code, stderr: refused.stderr }).toEqual({
      code: 8,
      stderr:
        'crux: refusing to rebuild without a confirmation: standard input is not a terminal, so no one can answer (run it in a terminal, or add --yes); nothing was started\n',
    });
    expect((await rebuildProgress(system)).body.rebuild_id).toBe(automatic.rebuild_id);

    const result = await crux(system, ['rebuild-state', '--yes', '--reason', 'e2e check']);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const latest = (await rebuildProgress(system)).body;
    expect(latest).toMatchObject({
      status: 'completed',
      trigger: 'operator',
      actor: 'ops',
      reason: 'e2e check',
      jobs_restored: 0,
      jobs_deleted: 0,
    });
    expect(latest.rebuild_id).not.toBe(automatic.rebuild_id);
    expect(result.stdout).toContain("Rebuild job-state's live state in Redis from the JOBS event log");
    expect(result.stdout).toContain(`last: rebuild ${automatic.rebuild_id}, started `);
    expect(result.stdout).toMatch(/\] 100% {2}completed {2}\d+ of \d+ events · 0 restored · 0 tombstones\n/);
    expect(result.stdout).toMatch(
      new RegExp(
        `\\nrebuild ${latest.rebuild_id} completed in [\\d.ms ]+: ${latest.events_read} events read, 0 jobs restored, 0 tombstones kept \\(deleted jobs stay deleted\\)\\n`,
      ),
    );
    expect(result.stdout).toContain('Redis already held every job at its latest version: nothing needed writing back\n');

    expect(await hashes()).toEqual(hashesBefore);
    expectSameAnswers(await answersFor(system, ids), before, 60);
  });
});
