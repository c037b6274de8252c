import { describe, expect, it } from '@jest/globals';
import { JobStatus, transition, isTerminal } from './job-status.js';

describe('status state machine', () => {
  it('moves a job along pending → running → completed', () => {
    expect(transition(null, 'created')).toEqual({ accepted: true, status: JobStatus.Pending });
    expect(transition(JobStatus.Pending, 'started')).toEqual({ accepted: true, status: JobStatus.Running });
    expect(transition(JobStatus.Running, 'progress')).toEqual({ accepted: true, status: JobStatus.Running });
    expect(transition(JobStatus.Running, 'completed')).toEqual({ accepted: true, status: JobStatus.Completed });
  });

  it('rejects a late completed for a cancelled job', () => {
    const result = transition(JobStatus.Cancelled, 'completed');
    expect(result.accepted).toBe(false);
    expect(result.status).toBe(JobStatus.Cancelled);
  });

  it('never changes a terminal status', () => {
    for (const terminal of [JobStatus.Completed, JobStatus.Failed, JobStatus.Cancelled]) {
      expect(isTerminal(terminal)).toBe(true);
      for (const event of ['started', 'progress', 'completed', 'failed', 'cancel', 'created'] as const) {
        expect(transition(terminal, event).accepted).toBe(false);
      }
    }
  });

  it('lets a pending or running job be cancelled, and a pending job fail', () => {
    expect(transition(JobStatus.Pending, 'cancel').status).toBe(JobStatus.Cancelled);
    expect(transition(JobStatus.Running, 'cancel').status).toBe(JobStatus.Cancelled);
    expect(transition(JobStatus.Pending, 'failed').status).toBe(JobStatus.Failed);
  });

  it('does not create a job twice, nor progress a job that has not started', () => {
    expect(transition(JobStatus.Pending, 'created').accepted).toBe(false);
    expect(transition(JobStatus.Pending, 'progress').accepted).toBe(false);
    expect(transition(null, 'started').accepted).toBe(false);
  });
});
