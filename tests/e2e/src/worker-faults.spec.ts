/**
 * A worker process or a worker's child killed with SIGKILL mid-job: the job is picked up
 * again, or ends failed with a reason after the bounded attempts — it never stays running.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import type { EventEnvelope, JobStartedData } from '@crux/contracts';
import { CruxSystem, TEST_KEYS, waitFor } from '@crux/test-harness';
import { submit, waitForStatus } from './support/jobs.js';
import { jobEvents } from './support/job-events.js';

const { alice } = TEST_KEYS;
const started = (events: EventEnvelope[]) => events.filter((e) => e.type === 'started') as EventEnvelope<'started', JobStartedData>[];

describe('worker faults', () => {
  let system: CruxSystem | undefined;
  afterEach(async () => {
    await system?.stop();
    system = undefined;
  });

  it('finishes a job on another worker when its worker process is killed with SIGKILL', async () => {
    system = await CruxSystem.start({
      services: { 'job-state': 1, worker: 2, gateway: 1 },
      env: { CRUX_WORKER_CONCURRENCY: '1', CRUX_SIMULATED_LATENCY_MS: '150', CRUX_ACK_WAIT_MS: '2000' },
    });
    const sys = system;
    const { job_id } = await submit(sys, alice, 'basic', { question: 'survive a dead worker', n_iters: 6 });
    const first = await waitFor(async () => started(await jobEvents(sys.nats.url, job_id))[0], { what: 'job started' });
    await sys.service(first.data.worker_id).kill('SIGKILL');

    const job = await waitForStatus(sys, alice, job_id, ['completed', 'failed'], 90_000);
    expect(job.status).toBe('completed');
    const starts = started(await jobEvents(sys.nats.url, job_id));
    expect(starts.length).toBeGreaterThanOrEqual(2);
    expect(starts.at(-1)?.data.worker_id).not.toBe(first.data.worker_id);
    expect(starts.at(-1)?.data.attempt).toBeGreaterThan(1);
  });

  it('runs the job again when the child running it is killed with SIGKILL', async () => {
    system = await CruxSystem.start({ env: { CRUX_WORKER_CONCURRENCY: '1', CRUX_SIMULATED_LATENCY_MS: '150', CRUX_ACK_WAIT_MS: '2000' } });
    const sys = system;
    const { job_id } = await submit(sys, alice, 'basic', { question: 'survive a dead child', n_iters: 6 });
    const first = await waitFor(async () => started(await jobEvents(sys.nats.url, job_id))[0], { what: 'job started' });
    process.kill(first.data.pid, 'SIGKILL');

    const job = await waitForStatus(sys, alice, job_id, ['completed', 'failed'], 90_000);
    expect(job.status).toBe('completed');
    const starts = started(await jobEvents(sys.nats.url, job_id));
    expect(starts.length).toBeGreaterThanOrEqual(2);
    expect(starts.at(-1)?.data.pid).not.toBe(first.data.pid);
  });

  it('fails a job as worker_lost once its attempts are used up, never leaving it running', async () => {
    system = await CruxSystem.start({
      env: { CRUX_WORKER_CONCURRENCY: '1', CRUX_SIMULATED_LATENCY_MS: '300', CRUX_ACK_WAIT_MS: '2000', CRUX_MAX_ATTEMPTS: '2' },
    });
    const sys = system;
    const { job_id } = await submit(sys, alice, 'basic', { question: 'doomed', n_iters: 10 });
    const killed = new Set<number>();
    // Kill the child each time the job starts, until the worker gives up on it.
    const job = await waitFor(
      async () => {
        for (const s of started(await jobEvents(sys.nats.url, job_id))) {
          if (!killed.has(s.data.pid)) {
            killed.add(s.data.pid);
            try {
              process.kill(s.data.pid, 'SIGKILL');
            } catch {
              // already gone
            }
          }
        }
        const response = await sys.request(`/api/v1/jobs/${job_id}`, alice);
        const body = (await response.json()) as { status: string; error: string | null };
        return ['completed', 'failed'].includes(body.status) ? body : undefined;
      },
      { what: 'the job to end', timeoutMs: 90_000, intervalMs: 50 },
    );
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/worker|stopped|attempt/i);
    const failed = (await jobEvents(sys.nats.url, job_id)).find((e) => e.type === 'failed') as EventEnvelope<'failed', { reason: string }>;
    expect(failed.data.reason).toBe('worker_lost');
    expect(killed.size).toBe(2);
  });
});
