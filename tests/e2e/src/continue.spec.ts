/**
 * Continuing a job through the whole system: a basic job that runs out of rounds is
 * continued as a new job, which the worker starts from the origin's history (carried in its
 * job.created event) and completes with more iterations than its origin.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CruxSystem, TEST_KEYS, type TestKey } from '@crux/test-harness';
import { getJob, submit, waitForStatus } from './support/jobs.js';

const { alice, bob } = TEST_KEYS;

describe('continuing a job end to end', () => {
  let system: CruxSystem;

  beforeAll(async () => {
    system = await CruxSystem.start({ env: { CRUX_WORKER_CONCURRENCY: '1', CRUX_SIMULATED_LATENCY_MS: '5' } });
  });

  afterAll(async () => {
    await system?.stop();
  });

  const continueJob = (id: string, n: number, key: TestKey = alice) =>
    system.request(`/api/v1/solve/continue/${id}?additional_iterations=${n}`, key, { method: 'POST' });

  it('continues an unconverged job as a new job that completes with more iterations and names its origin', async () => {
    // One round never satisfies the simulated reviewer: the job ends with max_iters.
    const accepted = await submit(system, alice, 'basic', { question: 'Explain quicksort.', n_iters: 1 });
    const origin = await waitForStatus(system, alice, accepted.job_id, ['completed', 'failed']);
    expect(origin.status).toBe('completed');
    expect(origin.result).toMatchObject({ iterations: 1, stop_reason: 'max_iters', converged: false });

    const response = await continueJob(origin.job_id, 2);
    const body = (await response.json()) as { job_id: string; status: string; continued_from: string };
    expect(response.status).toBe(202);
    expect(body).toMatchObject({ status: 'pending', continued_from: origin.job_id });
    expect(body.job_id).not.toBe(origin.job_id);

    const continued = await waitForStatus(system, alice, body.job_id, ['completed', 'failed']);
    expect(continued.status).toBe('completed');
    expect(continued.continued_from).toBe(origin.job_id);
    expect(continued.owner).toBe('alice');
    expect(continued.request).toMatchObject({ question: 'Explain quicksort.', n_iters: 2 });
    expect(continued.result!.iterations).toBeGreaterThan(origin.result!.iterations);
    const history = continued.result!.metadata.history as Array<{ iteration: number; candidate: string; score: number }>;
    expect(history.length).toBe(continued.result!.iterations);
    expect(history[0]).toEqual((origin.result!.metadata.history as unknown[])[0]);
    expect(history.map((h) => h.iteration)).toEqual(history.map((_, i) => i + 1));
    expect(continued.result!.metadata).toMatchObject({ continued_from: origin.job_id, origin_iterations: 1 });
    expect(Math.max(...history.map((h) => h.score))).toBeGreaterThan(history[0].score);

    const { status, body: seen } = await getJob(system, alice, body.job_id);
    expect(status).toBe(200);
    expect(seen.continued_from).toBe(origin.job_id);
    // Another submitter cannot continue (or see) it.
    expect((await continueJob(origin.job_id, 1, bob)).status).toBe(404);
  });

  it('refuses to continue a job whose evaluator converged, saying so', async () => {
    const accepted = await submit(system, alice, 'basic', { question: 'Why is the sky blue?', n_iters: 10 });
    const origin = await waitForStatus(system, alice, accepted.job_id, ['completed', 'failed']);
    expect(origin.result?.stop_reason).toBe('evaluator_stop');
    const response = await continueJob(origin.job_id, 2);
    expect(response.status).toBe(409);
    expect(((await response.json()) as { message: string }).message).toBe(
      `job ${origin.job_id} cannot be continued: it converged (stop_reason evaluator_stop): the evaluator found nothing more to improve`,
    );
  });
});
