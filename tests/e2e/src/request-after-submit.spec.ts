/**
 * A client just given a job id by a 202 is never told the job does not exist: a GET or a
 * cancel sent the moment the submit is answered finds the job, and the cancel cancels it
 * (or answers 409 because the job already ended). Hostile testing saw 404 for 2–3 of 50
 * cancels and 2 of 150 GETs sent right after the 202: job-state took a job projected while
 * it was looking for one it had never seen.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CruxSystem, TEST_KEYS, waitFor } from '@crux/test-harness';
import { getJob, submit } from './support/jobs.js';
import { wholeTrail } from './support/trail.js';

const { alice } = TEST_KEYS;

/** Clients submitting at once, and the jobs each submits: every job is followed at once by a GET or a DELETE. */
const LANES = 4;
const ROUNDS = 50;

interface Asked {
  jobId: string;
  kind: 'get' | 'cancel';
  status: number;
  body: { job_id?: string; status?: string; message?: string };
}

describe('a request sent the moment a submit is answered', () => {
  let system: CruxSystem;
  beforeAll(async () => {
    // Short jobs: some end before their cancel arrives (409), most are cancelled pending or running.
    system = await CruxSystem.start({ env: { CRUX_SIMULATED_LATENCY_MS: '10' } });
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('never answers 404, and every cancel is recorded or answered 409 because the job ended', async () => {
    const lane = async (lane: number): Promise<Asked[]> => {
      const asked: Asked[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const { job_id: jobId } = await submit(system, alice, 'basic', { question: `lane ${lane} round ${round}`, n_iters: 3 });
        const kind = round % 2 === 0 ? 'cancel' : 'get';
        const response =
          kind === 'cancel'
            ? await system.request(`/api/v1/jobs/${jobId}`, alice, {
                method: 'DELETE',
                body: JSON.stringify({ reason: 'right after submitting' }),
              })
            : await system.request(`/api/v1/jobs/${jobId}`, alice);
        asked.push({ jobId, kind, status: response.status, body: (await response.json()) as Asked['body'] });
      }
      return asked;
    };
    const asked = (await Promise.all(Array.from({ length: LANES }, (_, i) => lane(i)))).flat();

    const show = (a: Asked) => `${a.kind} ${a.jobId}: ${a.status} ${JSON.stringify(a.body)}`;
    const answeredAsPromised = (a: Asked) =>
      a.kind === 'get' ? a.status === 200 && a.body.job_id === a.jobId : a.status === 202 || a.status === 409;
    expect(asked.filter((a) => !answeredAsPromised(a)).map(show)).toEqual([]);

    const cancels = asked.filter((a) => a.kind === 'cancel');
    const accepted = cancels.filter((a) => a.status === 202);
    const ended = cancels.filter((a) => a.status === 409);
    expect(accepted.length).toBeGreaterThan(0);
    // A 409 names how the job ended, and the job did end that way.
    for (const a of ended) {
      const endedAs = /^job \S+ is already (completed|failed)$/.exec(a.body.message ?? '')?.[1];
      expect({ asked: show(a), endedAs }).toEqual({ asked: show(a), endedAs: expect.stringMatching(/^(completed|failed)$/) });
      expect((await getJob(system, alice, a.jobId)).body.status).toBe(endedAs);
    }
    // A 202 cancelled the job: it ends cancelled, and the trail holds the cancel by its owner.
    for (const a of accepted) {
      const job = await waitFor(
        async () => {
          const { status, body } = await getJob(system, alice, a.jobId);
          return status === 200 && body.status !== 'pending' && body.status !== 'running' ? body : undefined;
        },
        { what: `job ${a.jobId} to end`, timeoutMs: 30_000 },
      );
      expect([a.jobId, job.status]).toEqual([a.jobId, 'cancelled']);
    }
    const cancelRecorded = await waitFor(
      async () => {
        const recorded = new Set(
          (await wholeTrail(system)).filter((r) => r.action === 'cancel' && r.actor.id === 'alice').map((r) => r.job_id),
        );
        return accepted.every((a) => recorded.has(a.jobId)) ? recorded : undefined;
      },
      { what: `the trail to record the ${accepted.length} accepted cancels`, timeoutMs: 60_000 },
    );
    expect(accepted.filter((a) => !cancelRecorded.has(a.jobId)).map(show)).toEqual([]);
  });
});
