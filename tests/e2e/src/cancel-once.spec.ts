/**
 * A job is cancelled once, and its trail holds one `cancel` record, however many times the
 * cancel is asked for: clients retrying a request whose answer was lost (npm run chaos saw a
 * DELETE answered 500 during a projector failover, retried, and recorded twice), or several
 * people at once.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CruxSystem, TEST_KEYS, waitFor, type TestKey } from '@crux/test-harness';
import { jobEvents } from './support/job-events.js';
import { submit, waitForStatus } from './support/jobs.js';
import { trailOf } from './support/trail.js';

const { alice, ops } = TEST_KEYS;

describe('a cancel asked for several times', () => {
  let system: CruxSystem;
  beforeAll(async () => {
    system = await CruxSystem.start({ env: { CRUX_WORKER_CONCURRENCY: '1', CRUX_SIMULATED_LATENCY_MS: '200' } });
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('stores one job.cancel and records one cancel, answering every request with the job cancelled', async () => {
    const { job_id } = await submit(system, alice, 'basic', { question: 'a long one', n_iters: 30 });
    await waitForStatus(system, alice, job_id, ['running']);
    const cancel = (key: TestKey) =>
      system.request(`/api/v1/jobs/${job_id}`, key, { method: 'DELETE', body: JSON.stringify({ reason: 'stop it' }) });

    // Three at once, before job-state has applied any of them: the owner twice (a retry), an operator.
    const answers = await Promise.all([cancel(alice), cancel(alice), cancel(ops)]);
    // And once more after it is applied: the job has ended, so 409 naming it cancelled.
    const late = await cancel(alice);
    for (const answer of answers) {
      const body = (await answer.json()) as { status?: string; message?: string };
      if (answer.status === 409) expect(body.message).toBe(`job ${job_id} is already cancelled`);
      else expect([answer.status, body.status]).toEqual([202, 'cancelled']);
    }
    expect(late.status).toBe(409);

    // The worker's revoke comes after the cancel in JOBS, so once it is recorded the cancels are too.
    const trail = await waitFor(
      async () => {
        const records = await trailOf(system, job_id);
        return records.some((r) => r.action === 'revoked') ? records : undefined;
      },
      { what: `the revoke of job ${job_id} in the trail`, timeoutMs: 30_000 },
    );
    expect(trail.filter((r) => r.action === 'cancel')).toHaveLength(1);
    const cancels = (await jobEvents(system.nats.url, job_id)).filter((e) => e.type === 'cancel');
    expect(cancels).toHaveLength(1);
    expect(trail.find((r) => r.action === 'cancel')?.source_event_id).toBe(cancels[0].id);
  });
});
