/**
 * Cancel and revoke through the whole system: DELETE /jobs/{id} → job.cancel → job-state
 * marks the job cancelled (key kept) → the worker holding it kills exactly its child and
 * publishes job.revoked; a revoke nobody confirms is itself recorded.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { RedisKeys, type EventEnvelope, type JobRevokedData, type JobStartedData } from '@crux/contracts';
import { CruxSystem, TEST_KEYS, waitFor } from '@crux/test-harness';
import { jobEvents } from './support/job-events.js';
import { getJob, submit, waitForStatus } from './support/jobs.js';
import { pidAlive } from './support/pids.js';
import { readSse } from './support/sse.js';

const { alice, bob, ops, auditor } = TEST_KEYS;
type Started = EventEnvelope<'started', JobStartedData>;
type Revoked = EventEnvelope<'revoked', JobRevokedData>;

async function startedEvent(system: CruxSystem, jobId: string): Promise<Started> {
  return waitFor(async () => (await jobEvents(system.nats.url, jobId)).find((e) => e.type === 'started') as Started | undefined, {
    what: `job ${jobId} to start`,
    timeoutMs: 30_000,
  });
}

function cancel(system: CruxSystem, key: (typeof TEST_KEYS)[keyof typeof TEST_KEYS], jobId: string, reason?: string) {
  return system.request(`/api/v1/jobs/${jobId}`, key, { method: 'DELETE', body: reason ? JSON.stringify({ reason }) : undefined });
}

describe('cancel and revoke', () => {
  let system: CruxSystem | undefined;
  afterEach(async () => {
    await system?.stop();
    system = undefined;
  });

  it('cancels a running job: key kept, its child gone, exactly one confirmed revoke', async () => {
    system = await CruxSystem.start({ env: { CRUX_WORKER_CONCURRENCY: '1', CRUX_SIMULATED_LATENCY_MS: '1000' } });
    const sys = system;
    const { job_id } = await submit(sys, alice, 'basic', { question: 'a long one', n_iters: 30 });
    const started = await startedEvent(sys, job_id);
    expect(pidAlive(started.data.pid)).toBe(true);

    const response = await cancel(sys, alice, job_id, 'changed my mind');
    const body = (await response.json()) as { status: string; completed_at: string | null };
    expect(response.status).toBe(202);
    expect(body.status).toBe('cancelled');
    expect(body.completed_at).toEqual(expect.any(String));

    const revoked = await waitFor(
      async () => {
        const found = (await jobEvents(sys.nats.url, job_id)).filter((e) => e.type === 'revoked') as Revoked[];
        return found.length > 0 ? found : undefined;
      },
      { what: 'job.revoked' },
    );
    expect(revoked).toHaveLength(1);
    expect(revoked[0].data).toMatchObject({ terminated: true, outcome: 'terminated', signal: 'SIGTERM', pid: started.data.pid });
    expect(pidAlive(started.data.pid)).toBe(false);

    const redis = new Redis(sys.redis.url);
    try {
      expect(await redis.exists(RedisKeys.job(job_id))).toBe(1);
      expect(await redis.hget(RedisKeys.job(job_id), 'status')).toBe('cancelled');
      expect(await redis.ttl(RedisKeys.job(job_id))).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
    // Nothing the child might still have said changes the job afterwards.
    await new Promise((r) => setTimeout(r, 1000));
    const events = await jobEvents(sys.nats.url, job_id);
    expect(events.filter((e) => e.type === 'completed' || e.type === 'failed')).toHaveLength(0);
    expect((await getJob(sys, alice, job_id)).body.status).toBe('cancelled');
    expect(events.filter((e) => e.type === 'revoked')).toHaveLength(1);
  });

  it('kills a child that ignores SIGTERM after the grace period', async () => {
    system = await CruxSystem.start({
      env: {
        CRUX_WORKER_CONCURRENCY: '1',
        CRUX_SIMULATED_LATENCY_MS: '200',
        CRUX_REVOKE_GRACE_MS: '500',
        CRUX_TEST_CHILD_IGNORES_SIGTERM: '1',
      },
    });
    const sys = system;
    const { job_id } = await submit(sys, alice, 'basic', { question: 'stubborn', n_iters: 30 });
    const started = await startedEvent(sys, job_id);
    expect((await cancel(sys, ops, job_id)).status).toBe(202);
    const revoked = await waitFor(
      async () => (await jobEvents(sys.nats.url, job_id)).find((e) => e.type === 'revoked') as Revoked | undefined,
      {
        what: 'job.revoked',
      },
    );
    expect(revoked.data).toMatchObject({ terminated: true, outcome: 'killed', signal: 'SIGKILL' });
    expect(revoked.data.took_ms).toBeGreaterThanOrEqual(500);
    expect(pidAlive(started.data.pid)).toBe(false);
  });

  it('never starts a job cancelled while pending, and records its revoke at once', async () => {
    // Slow model calls: the blocker's question converges after a few rounds, and at 100 ms a
    // call it could end before a loaded machine got the second job submitted.
    system = await CruxSystem.start({ env: { CRUX_WORKER_CONCURRENCY: '1', CRUX_SIMULATED_LATENCY_MS: '1000' } });
    const sys = system;
    const blocker = await submit(sys, alice, 'basic', { question: 'occupies the only child', n_iters: 20 });
    await startedEvent(sys, blocker.job_id);
    const { job_id } = await submit(sys, alice, 'basic', { question: 'never runs', n_iters: 1 });
    expect((await getJob(sys, alice, job_id)).body.status).toBe('pending');

    expect((await cancel(sys, alice, job_id)).status).toBe(202);
    const revoked = await waitFor(
      async () => (await jobEvents(sys.nats.url, job_id)).find((e) => e.type === 'revoked') as Revoked | undefined,
      {
        what: 'job.revoked for the pending job',
      },
    );
    expect(revoked.data).toMatchObject({ terminated: false, outcome: 'not-started' });

    // Free the worker; the cancelled job must still never start.
    expect((await cancel(sys, alice, blocker.job_id)).status).toBe(202);
    await waitFor(async () => (await jobEvents(sys.nats.url, blocker.job_id)).some((e) => e.type === 'revoked'), {
      what: 'blocker revoked',
    });
    await new Promise((r) => setTimeout(r, 1500));
    const job = (await getJob(sys, alice, job_id)).body;
    expect(job.status).toBe('cancelled');
    expect(job.started_at).toBeNull();
    const events = await jobEvents(sys.nats.url, job_id);
    expect(events.map((e) => e.type)).not.toContain('started');
    expect(events.filter((e) => e.type === 'revoked')).toHaveLength(1);
  });

  it('answers 409 for a second cancel and a finished job, 404 to another submitter, 403 to an auditor', async () => {
    system = await CruxSystem.start({ env: { CRUX_WORKER_CONCURRENCY: '1', CRUX_SIMULATED_LATENCY_MS: '100' } });
    const sys = system;
    // A question the simulated reviewer never passes: all 30 rounds (6 s at 100 ms a call), so the
    // job is still running when the cancels arrive; 'cancel me twice' ended after 4 calls (0.4 s).
    const { job_id } = await submit(sys, alice, 'basic', { question: 'cancel this one twice', n_iters: 30 });
    expect((await cancel(sys, bob, job_id)).status).toBe(404);
    expect((await cancel(sys, auditor, job_id)).status).toBe(403);
    expect((await cancel(sys, alice, job_id)).status).toBe(202);
    const again = await cancel(sys, alice, job_id);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { message: string }).message).toMatch(/cancelled/);

    const done = await submit(sys, alice, 'basic', { question: 'finish first', n_iters: 1 });
    await waitForStatus(sys, alice, done.job_id, ['completed']);
    const late = await cancel(sys, alice, done.job_id);
    expect(late.status).toBe(409);
    expect(((await late.json()) as { message: string }).message).toMatch(/completed/);
  });

  it('records a revoke nobody can confirm (the worker is frozen) and still reports the job cancelled', async () => {
    system = await CruxSystem.start({
      env: { CRUX_WORKER_CONCURRENCY: '1', CRUX_SIMULATED_LATENCY_MS: '200', CRUX_REVOKE_CONFIRM_MS: '1500' },
    });
    const sys = system;
    // Runs all 30 rounds (12 s at 200 ms a call): still running when the worker is frozen.
    const { job_id } = await submit(sys, alice, 'basic', { question: 'freeze the worker', n_iters: 30 });
    const started = await startedEvent(sys, job_id);
    const worker = sys.service(started.data.worker_id);
    worker.signal('SIGSTOP');
    try {
      expect((await cancel(sys, alice, job_id)).status).toBe(202);
      const unconfirmed = await waitFor(async () => (await jobEvents(sys.nats.url, job_id)).find((e) => e.type === 'revoke_unconfirmed'), {
        what: 'job.revoke_unconfirmed',
        timeoutMs: 30_000,
      });
      expect(unconfirmed.actor.kind).toBe('system');
      expect((await getJob(sys, alice, job_id)).body.status).toBe('cancelled');
      const sse = (await readSse(await sys.request(`/api/v1/jobs/${job_id}/events`, alice))).map((e) => e.event);
      expect(sse).toContain('cancel');
    } finally {
      worker.signal('SIGCONT');
    }
    // Once thawed, the worker finishes the kill and confirms it.
    await waitFor(async () => (await jobEvents(sys.nats.url, job_id)).some((e) => e.type === 'revoked'), {
      what: 'late job.revoked',
      timeoutMs: 30_000,
    });
    await waitFor(() => !pidAlive(started.data.pid), { what: 'the child to be gone' });
  });
});
