import { describe, expect, it } from '@jest/globals';
import { JOB_STATUSES, JobStatus, STATUS_TRANSITIONS } from '@crux/contracts';
import { planUpdate, projectedFromNothing } from './plan-update.js';
import { jobEvents } from '../../test/support/job-events.js';

const settings = { ttlActiveS: 100, ttlCompletedS: 700, ttlFailedS: 300, ttlCancelledS: 200 };
const JOB = '0b6f7f4e-8a53-4c4e-9d61-3c1d2f1a0001';

describe('planning the update for a job event', () => {
  const events = jobEvents(JOB);

  it('given a created event, when planned, then it creates a pending job with every field', () => {
    const created = events.created();
    const plan = planUpdate(created, 7, settings);
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
    });
  });

  it('given a started event, then the job runs and keeps the first started_at if restarted', () => {
    const plan = planUpdate(events.started(), 8, settings);
    expect(plan.status).toBe(JobStatus.Running);
    expect(plan.allowedFrom).toEqual([JobStatus.Pending, JobStatus.Running]);
    expect(plan.set).toEqual({});
    expect(plan.setIfEmpty).toEqual({ started_at: '2030-01-02T03:04:06.678Z' });
    expect(plan.ttlS).toBe(100);
  });

  it('given progress, then progress, phase and partial results are set and the active TTL refreshed', () => {
    const plan = planUpdate(events.progress(0.25), 9, settings);
    expect(plan.set).toEqual({ progress: '0.25', current_phase: 'refine', partial_results: '{"best":"forty"}' });
    expect(plan.allowedFrom).toEqual([JobStatus.Running]);
    expect(plan.ttlS).toBe(100);
  });

  it('given progress without partial results, then the previous partial results are kept', () => {
    const event = events.progress(0.3);
    delete (event.data as { partial_results?: unknown }).partial_results;
    expect(planUpdate(event, 9, settings).set).toEqual({ progress: '0.3', current_phase: 'refine' });
  });

  it('given completed, then the result is stored, progress is 1 and the completed TTL applies', () => {
    const plan = planUpdate(events.completed(), 10, settings);
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
    const plan = planUpdate(events.failed(), 10, settings);
    expect(plan.status).toBe(JobStatus.Failed);
    expect(plan.set).toEqual({ completed_at: '2030-01-02T03:04:08.678Z', error: 'model said no' });
    expect(plan.ttlS).toBe(300);
  });

  it('given cancel, then the job is cancelled from pending or running with the cancelled TTL', () => {
    const plan = planUpdate(events.cancel(), 10, settings);
    expect(plan.status).toBe(JobStatus.Cancelled);
    expect(plan.allowedFrom).toEqual([JobStatus.Pending, JobStatus.Running]);
    expect(plan.set).toEqual({ completed_at: '2030-01-02T03:04:08.678Z' });
    expect(plan.ttlS).toBe(200);
  });

  it('given revoked, then only the version of an existing job moves: no status, fields or TTL', () => {
    const plan = planUpdate(events.revoked(), 11, settings);
    expect(plan).toMatchObject({ status: null, set: {}, setIfEmpty: {}, ttlS: null, createdMs: null, owner: null, seq: 11 });
    expect(plan.allowedFrom).toEqual(JOB_STATUSES);
    expect(plan.allowedFrom).not.toContain(null);
  });

  it('takes allowed-from statuses from the state machine for every status-changing event', () => {
    const samples = [events.created(), events.started(), events.progress(), events.completed(), events.failed(), events.cancel()];
    for (const event of samples) {
      const plan = planUpdate(event, 1, settings);
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
      ttl_s: 100,
    });
  });

  it('given an event that needs an existing job, then there is no view', () => {
    expect(projectedFromNothing(planUpdate(jobEvents(JOB).started(), 3, settings))).toBeNull();
  });
});
