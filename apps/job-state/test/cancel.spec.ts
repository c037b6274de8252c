import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deterministicId, RedisKeys } from '@crux/contracts';
import { waitFor } from '@crux/test-harness';
import { jobEvents } from './support/job-events.js';
import { startJobState, type JobStateRig } from './support/job-state-harness.js';
import { makeJob } from './support/scenarios.js';

describe('cancel: revokes are answered or recorded as unconfirmed', () => {
  let rig: JobStateRig;

  beforeAll(async () => {
    rig = await startJobState({ CRUX_REVOKE_CONFIRM_MS: '300', CRUX_EXPIRY_SWEEP_MS: '50' });
  });

  afterAll(async () => {
    await rig?.close();
  });

  const eventsOnce = (type: 'revoked' | 'revoke_unconfirmed', jobId: string) =>
    waitFor(
      async () => {
        const found = await rig.eventsOf(type, jobId);
        return found.length > 0 ? found : undefined;
      },
      { what: `${type} of job ${jobId}`, timeoutMs: 30_000 },
    );

  async function cancel(jobId: string, owner: string) {
    const [created] = await rig.eventsOf('created', jobId);
    const ack = await rig.publish(jobEvents(jobId, owner, new Date(created.event.occurred_at)).cancel());
    await rig.projected(ack.seq);
  }

  /** A running job cancelled whose worker never answers: its revoke_unconfirmed proves the watcher ran. */
  async function watcherRanAgain() {
    const other = await makeJob(rig, 'other', 'running');
    await cancel(other.id, 'other');
    await eventsOnce('revoke_unconfirmed', other.id);
  }

  it('revokes a pending job on cancel, not-started, so no worker ever runs it', async () => {
    const job = await makeJob(rig, 'fay', 'pending');
    await cancel(job.id, 'fay');
    const [revoked] = await eventsOnce('revoked', job.id);
    expect(revoked.event).toMatchObject({
      id: deterministicId('revoked', job.id),
      actor: { kind: 'system', id: 'job-state' },
      data: { terminated: false, outcome: 'not-started', signal: null, pid: null, worker_id: 'job-state', took_ms: 0 },
    });
    expect(await rig.redis.zscore(RedisKeys.revokePending, job.id)).toBeNull();
    await watcherRanAgain();
    expect(await rig.eventsOf('revoked', job.id)).toHaveLength(1);
    expect(await rig.eventsOf('revoke_unconfirmed', job.id)).toEqual([]);
  });

  it('records a running job whose worker does not confirm the revoke, once, naming the worker', async () => {
    const job = await makeJob(rig, 'gus', 'running');
    await cancel(job.id, 'gus');
    const [unconfirmed] = await eventsOnce('revoke_unconfirmed', job.id);
    expect(unconfirmed.event).toMatchObject({
      id: deterministicId('revoke_unconfirmed', job.id),
      actor: { kind: 'system', id: 'job-state' },
      data: { worker_id: 'worker-1', detail: expect.stringContaining('worker worker-1') },
    });
    expect((unconfirmed.event.data as { waited_ms: number }).waited_ms).toBeGreaterThanOrEqual(300);
    await waitFor(async () => (await rig.redis.zscore(RedisKeys.revokePending, job.id)) === null, { what: 'the wait to end' });
    await watcherRanAgain();
    expect(await rig.eventsOf('revoke_unconfirmed', job.id)).toHaveLength(1);
    // The job stays cancelled.
    expect(await rig.redis.hget(RedisKeys.job(job.id), 'status')).toBe('cancelled');
    expect(await rig.eventsOf('revoked', job.id)).toEqual([]);
  });

  it('records nothing more for a running job whose worker confirms in time', async () => {
    const job = await makeJob(rig, 'hal', 'running');
    const [created] = await rig.eventsOf('created', job.id);
    const events = jobEvents(job.id, 'hal', new Date(created.event.occurred_at));
    await rig.publish(events.cancel());
    const ack = await rig.publish(events.revoked());
    await rig.projected(ack.seq);
    expect(await rig.redis.zscore(RedisKeys.revokePending, job.id)).toBeNull();
    await watcherRanAgain();
    expect(await rig.eventsOf('revoke_unconfirmed', job.id)).toEqual([]);
  });
});
