import { describe, expect, it } from '@jest/globals';
import { JOB_STATUSES, JobStatus, STATUS_TRANSITIONS, type JobEvent } from '@crux/contracts';
import { fromJobHash, snapshotOf, toJobHash } from './job-hash.js';
import { deletionNeeds, planUpdate, projectedFromNothing, type ApplyPlan } from './plan-update.js';
import { jobEvents, purgePlannedEvent } from '../../test/support/job-events.js';

const settings = { ttlActiveS: 100, ttlCompletedS: 700, ttlFailedS: 300, ttlCancelledS: 200 };
const JOB = '0b6f7f4e-8a53-4c4e-9d61-3c1d2f1a0001';

/** The plan of a lifecycle event, which is always an apply-events plan. */
function planUpdateApply(event: JobEvent, seq: number): ApplyPlan {
  const plan = planUpdate(event, seq, settings);
  if (plan.kind !== 'apply') throw new Error(`${event.type} planned as ${plan.kind}`);
  return plan;
}

describe('planning the update for a job event', () => {
  const events = jobEvents(JOB);

  it('given a created event, when planned, then it creates a pending job with every field', () => {
    const created = events.created();
    const plan = planUpdateApply(created, 7);
    expect(plan).toMatchObject({
      jobId: JOB,
      eventType: 'created',
      seq: 7,
      allowedFrom: [null],
      status: JobStatus.Pending,
      ttlS: 100,
      createdMs: Date.parse('2030-01-02T03:04:05.678Z'),
      owner: 'alice',
      setIfEmpty: {},
      awaitsRevoke: false,
      endsRevokeWait: false,
    });
    expect(plan.set).toEqual({
      job_id: JOB,
      created_at: '2030-01-02T03:04:05.678Z',
      started_at: '',
      completed_at: '',
      progress: '0',
      current_phase: '',
      result: '',
      error: '',
      partial_results: '',
      request: JSON.stringify({ question: 'what is six times seven?', n_iters: 2 }),
      mode: 'basic',
      owner: 'alice',
      model_name: 'sim-1',
      continued_from: '',
      held: '',
    });
  });

  it('given a started event, then the job runs and keeps the first started_at if restarted', () => {
    const plan = planUpdateApply(events.started(), 8);
    expect(plan.status).toBe(JobStatus.Running);
    expect(plan.allowedFrom).toEqual([JobStatus.Pending, JobStatus.Running]);
    expect(plan.set).toEqual({});
    expect(plan.setIfEmpty).toEqual({ started_at: '2030-01-02T03:04:06.678Z' });
    expect(plan.ttlS).toBe(100);
  });

  it('given progress, then progress, phase and partial results are set and the active TTL refreshed', () => {
    const plan = planUpdateApply(events.progress(0.25), 9);
    expect(plan.set).toEqual({ progress: '0.25', current_phase: 'refine', partial_results: '{"best":"forty"}' });
    expect(plan.allowedFrom).toEqual([JobStatus.Running]);
    expect(plan.ttlS).toBe(100);
  });

  it('given progress without partial results, then the previous partial results are kept', () => {
    const event = events.progress(0.3);
    delete (event.data as { partial_results?: unknown }).partial_results;
    expect(planUpdateApply(event, 9).set).toEqual({ progress: '0.3', current_phase: 'refine' });
  });

  it('given completed, then the result is stored, progress is 1 and the completed TTL applies', () => {
    const plan = planUpdateApply(events.completed(), 10);
    expect(plan.status).toBe(JobStatus.Completed);
    expect(plan.set).toEqual({
      completed_at: '2030-01-02T03:04:08.678Z',
      progress: '1',
      current_phase: 'completed',
      result: JSON.stringify(events.result),
    });
    expect(plan.ttlS).toBe(700);
  });

  it('given failed, then the error and completed_at are stored with the failed TTL', () => {
    const plan = planUpdateApply(events.failed(), 10);
    expect(plan.status).toBe(JobStatus.Failed);
    expect(plan.set).toEqual({ completed_at: '2030-01-02T03:04:08.678Z', error: 'model said no' });
    expect(plan.ttlS).toBe(300);
  });

  it('given cancel, then the job is cancelled from pending or running with the cancelled TTL', () => {
    const plan = planUpdateApply(events.cancel(), 10);
    expect(plan.status).toBe(JobStatus.Cancelled);
    expect(plan.allowedFrom).toEqual([JobStatus.Pending, JobStatus.Running]);
    expect(plan.set).toEqual({ completed_at: '2030-01-02T03:04:08.678Z' });
    expect(plan.ttlS).toBe(200);
    // A running job cancelled waits for its worker's revoke.
    expect(plan.awaitsRevoke).toBe(true);
  });

  it('given revoked, then only the version of an existing job moves: no status, fields or TTL', () => {
    const plan = planUpdateApply(events.revoked(), 11);
    expect(plan).toMatchObject({
      status: null,
      set: {},
      setIfEmpty: {},
      ttlS: null,
      createdMs: null,
      owner: null,
      seq: 11,
      endsRevokeWait: true,
    });
    expect(plan.allowedFrom).toEqual(JOB_STATUSES);
    expect(plan.allowedFrom).not.toContain(null);
  });

  it('takes allowed-from statuses from the state machine for every status-changing event', () => {
    const samples = [events.created(), events.started(), events.progress(), events.completed(), events.failed(), events.cancel()];
    for (const event of samples) {
      const plan = planUpdateApply(event, 1);
      const rule = STATUS_TRANSITIONS[event.type];
      expect(plan.allowedFrom).toEqual(rule.from);
      expect(plan.status).toBe(rule.to);
    }
  });
});

describe('the view of a created but unprojected job', () => {
  it('given a created event, then it is the pending job the projector would write', () => {
    const view = projectedFromNothing(planUpdate(jobEvents(JOB, 'bob').created(), 12, settings));
    expect(view).toEqual({
      job_id: JOB,
      status: 'pending',
      created_at: '2030-01-02T03:04:05.678Z',
      started_at: null,
      completed_at: null,
      progress: 0,
      current_phase: null,
      result: null,
      error: null,
      partial_results: null,
      request: { question: 'what is six times seven?', n_iters: 2 },
      mode: 'basic',
      owner: 'bob',
      model_name: 'sim-1',
      continued_from: null,
      version: 12,
      held: false,
      ttl_s: 100,
    });
  });

  it('given an event that needs an existing job, then there is no view', () => {
    expect(projectedFromNothing(planUpdate(jobEvents(JOB).started(), 3, settings))).toBeNull();
  });

  it('given a restore, then it is the snapshot at the restore sequence with its status TTL', () => {
    const snapshot = snapshotOf(fromJobHash({ ...toJobHash(createdSnapshot()), status: 'completed' })!);
    expect(projectedFromNothing(planUpdate(jobEvents(JOB).restored(snapshot), 40, settings))).toEqual({
      ...snapshot,
      version: 40,
      ttl_s: 700,
    });
  });
});

function createdSnapshot() {
  const view = projectedFromNothing(planUpdate(jobEvents(JOB).created(), 3, settings))!;
  return snapshotOf(view);
}

describe('planning the deletion paths', () => {
  const events = jobEvents(JOB, 'bob');

  it('given deleted, then the job goes with its owner index, from the snapshot', () => {
    const deleted = events.deleted(createdSnapshot());
    expect(planUpdate(deleted, 20, settings)).toEqual({
      kind: 'delete',
      jobId: JOB,
      eventId: deleted.id,
      eventType: 'deleted',
      seq: 20,
      owner: 'alice',
      needs: 'live',
      planId: null,
    });
  });

  it('given a deletion, then what it needs to find follows its reason: a purge the live unheld job, an expiry no hold, an external deletion nothing', () => {
    expect(deletionNeeds('purge')).toBe('live');
    expect(deletionNeeds('erase')).toBe('live');
    expect(deletionNeeds('ttl')).toBe('unheld');
    expect(deletionNeeds('external')).toBe('');
  });

  it('given an erased deletion (no snapshot), then the owner is left for the script to find', () => {
    expect(planUpdate(events.deleted(null, 'erase'), 20, settings)).toMatchObject({ kind: 'delete', owner: null });
  });

  it('given restored, then the whole snapshot is written back with the TTL of its status, counted afresh', () => {
    const snapshot = { ...createdSnapshot(), status: JobStatus.Failed, version: 9 };
    const plan = planUpdate(events.restored(snapshot), 30, settings);
    expect(plan).toMatchObject({ kind: 'restore', seq: 30, status: 'failed', ttlS: 300, held: false, owner: 'alice' });
    if (plan.kind !== 'restore') throw new Error('not a restore');
    expect(plan.fields).toEqual(Object.fromEntries(Object.entries(toJobHash(snapshot)).filter(([k]) => k !== 'version')));
    expect(plan.createdMs).toBe(Date.parse(snapshot.created_at));
  });

  it('given held or released, then the hold flag changes and a release knows every status TTL', () => {
    expect(planUpdate(events.held(), 31, settings)).toMatchObject({ kind: 'hold', held: true });
    const released = events.released();
    expect(planUpdate(released, 32, settings)).toEqual({
      kind: 'hold',
      jobId: JOB,
      eventId: released.id,
      eventType: 'released',
      seq: 32,
      held: false,
      ttlByStatus: { pending: 100, running: 100, completed: 700, failed: 300, cancelled: 200 },
    });
  });

  it('given a purge plan event, then there is nothing to project (its id is a plan)', () => {
    const planned = purgePlannedEvent('plan-1');
    expect(planUpdate(planned, 33, settings)).toEqual({
      kind: 'skip',
      jobId: 'plan-1',
      eventId: planned.id,
      eventType: 'purge_planned',
      seq: 33,
    });
  });
});
