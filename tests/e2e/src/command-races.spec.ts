/**
 * Two commands on one job racing each other through the whole system: whatever order they
 * reach JOBS in, every trail record is something that happened, and agrees with what the
 * API answered each caller.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuditRecord } from '@crux/contracts';
import { CruxSystem, TEST_KEYS, waitFor } from '@crux/test-harness';
import { getJob, submit, waitForStatus } from './support/jobs.js';
import { trailOf } from './support/trail.js';

const { alice, ops } = TEST_KEYS;
const JOBS = 12;
const send = (method: string, body: unknown): RequestInit => ({ method, body: JSON.stringify(body) });
const actions = (records: AuditRecord[]) => records.map((r) => r.action);

describe('commands racing on one job', () => {
  let system: CruxSystem;

  beforeAll(async () => {
    system = await CruxSystem.start({ env: { CRUX_SIMULATED_LATENCY_MS: '1', CRUX_PURGE_BATCH_SIZE: '1' } });
  });

  afterAll(async () => {
    await system?.stop();
  });

  /** Everything published before this hold has been through the trail once its record is there. */
  async function trailCaughtUp(): Promise<void> {
    const { job_id } = await submit(system, alice, 'basic', { question: 'sentinel', n_iters: 1 });
    await waitForStatus(system, alice, job_id, ['completed']);
    expect((await system.request(`/api/v1/admin/jobs/${job_id}/hold`, ops, send('PUT', { reason: 'sentinel' }))).status).toBe(200);
    await waitFor(async () => actions(await trailOf(system, job_id)).includes('held'), {
      what: 'the sentinel hold in the trail',
      timeoutMs: 60_000,
    });
  }

  it('a hold racing a purge confirm: answered 200, the job is held and kept; answered 410, the trail holds the deletion and no hold', async () => {
    const ids: string[] = [];
    for (let i = 0; i < JOBS; i++) ids.push((await submit(system, alice, 'basic', { question: `race ${i}`, n_iters: 1 })).job_id);
    for (const id of ids) await waitForStatus(system, alice, id, ['completed']);
    const planResponse = await system.request('/api/v1/admin/purges', ops, send('POST', { job_ids: ids, reason: 'race' }));
    const plan = (await planResponse.json()) as { plan_id: string; count: number; confirm_token: string };
    expect(plan.count).toBe(JOBS);

    // The confirm and every hold at once; the holds spread over the purge's batches.
    const confirm = system.request(
      `/api/v1/admin/purges/${plan.plan_id}/confirm`,
      ops,
      send('POST', { confirm_token: plan.confirm_token }),
    );
    const holds = await Promise.all(
      ids.map(async (id, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * 3));
        const response = await system.request(`/api/v1/admin/jobs/${id}/hold`, ops, send('PUT', { reason: 'litigation' }));
        return { id, status: response.status, body: await response.text() };
      }),
    );
    expect((await confirm).status).toBe(202);
    const progress = await waitFor(
      async () => {
        const p = (await (await system.request(`/api/v1/admin/purges/${plan.plan_id}`, ops)).json()) as {
          status: string;
          deleted: number;
          skipped: number;
          failed: number;
        };
        return p.status === 'completed' ? p : undefined;
      },
      { what: 'the purge to complete', timeoutMs: 60_000 },
    );
    await trailCaughtUp();

    for (const hold of holds) {
      expect([200, 410]).toContain(hold.status);
      const trail = actions(await trailOf(system, hold.id));
      const job = await getJob(system, ops, hold.id);
      if (hold.status === 200) {
        expect({ id: hold.id, trail }).toEqual({ id: hold.id, trail: ['held'] });
        expect(job).toMatchObject({ status: 200, body: { held: true } });
      } else {
        expect({ id: hold.id, trail }).toEqual({ id: hold.id, trail: ['deleted'] });
        expect(job.status).toBe(410);
      }
    }
    const heldCount = holds.filter((h) => h.status === 200).length;
    expect(progress).toMatchObject({ deleted: JOBS - heldCount, skipped: heldCount, failed: 0 });

    // A job whose hold was refused comes back unheld, and its trail says exactly that.
    const refused = holds.find((h) => h.status === 410);
    if (refused) {
      expect((await system.request(`/api/v1/admin/jobs/${refused.id}/restore`, ops, send('POST', { reason: 'mistake' }))).status).toBe(200);
      await trailCaughtUp();
      expect(actions(await trailOf(system, refused.id))).toEqual(['deleted', 'restored']);
      expect((await getJob(system, ops, refused.id)).body).toMatchObject({ held: false });
    }
  });

  it('two holds at once: one answers 200 and is recorded, the other answers 409 and is not', async () => {
    const { job_id } = await submit(system, alice, 'basic', { question: 'two holds', n_iters: 1 });
    await waitForStatus(system, alice, job_id, ['completed']);
    const answers = await Promise.all(
      [1, 2, 3].map(() =>
        system.request(`/api/v1/admin/jobs/${job_id}/hold`, ops, send('PUT', { reason: 'litigation' })).then((r) => r.status),
      ),
    );
    expect(answers.filter((s) => s === 200)).toHaveLength(1);
    expect(answers.filter((s) => s === 409)).toHaveLength(2);
    await trailCaughtUp();
    expect(actions(await trailOf(system, job_id))).toEqual(['held']);
  });
});
