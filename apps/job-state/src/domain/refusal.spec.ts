import { describe, expect, it } from '@jest/globals';
import { loadSettings } from '@crux/contracts';
import { jobEvents } from '../../test/support/job-events.js';
import { ApplyCode } from '../redis/apply-code.js';
import { planUpdate } from './plan-update.js';
import { notAppliedRefusal, refusalOf } from './refusal.js';

const settings = loadSettings({});
const JOB = '0b6f7f4e-8a53-4c4e-9d61-3c1d2f1a0002';
const events = jobEvents(JOB);

describe('refusals: which script answers mean a command changed nothing', () => {
  it('given a command applied, or stale (a redelivery of an applied one), then it is no refusal', () => {
    const plan = planUpdate(events.held(), 10, settings);
    expect(refusalOf(plan, ApplyCode.Applied, 'completed')).toBeNull();
    expect(refusalOf(plan, ApplyCode.Stale, 'completed')).toBeNull();
  });

  it('given a lifecycle event the state machine turned away, then it is ignored, not refused: only commands have verdicts', () => {
    expect(refusalOf(planUpdate(events.progress(), 10, settings), ApplyCode.Rejected, 'completed')).toBeNull();
    expect(refusalOf(planUpdate(events.completed(), 10, settings), ApplyCode.Rejected, 'cancelled')).toBeNull();
  });

  it('given each refused command, then the refusal names the event, the job, the reason and says what was found', () => {
    const cancel = events.cancel();
    expect(refusalOf(planUpdate(cancel, 10, settings), ApplyCode.Rejected, 'completed')).toEqual({
      event_id: cancel.id,
      job_id: JOB,
      type: 'cancel',
      reason: 'status',
      status: 'completed',
      message: `job ${JOB} had already completed`,
    });
    expect(refusalOf(planUpdate(events.deleted(null, 'purge'), 11, settings), ApplyCode.Held, 'failed')?.message).toBe(
      `job ${JOB} is on legal hold; it was not deleted`,
    );
    expect(refusalOf(planUpdate(events.held(), 12, settings), ApplyCode.Unchanged, 'failed')?.message).toBe(
      `job ${JOB} is already on hold`,
    );
    expect(refusalOf(planUpdate(events.released(), 13, settings), ApplyCode.Unchanged, 'failed')?.message).toBe(
      `job ${JOB} is not on hold`,
    );
    expect(refusalOf(planUpdate(events.held(), 14, settings), ApplyCode.NoJob, null)?.reason).toBe('no_job');
    expect(refusalOf(planUpdate(events.cancel(), 15, settings), ApplyCode.Tombstoned, null)?.reason).toBe('deleted');
  });

  it('given a command set aside (Redis failed on it at every try), then it is refused not_applied, naming the error; a lifecycle event is not', () => {
    const held = events.held();
    expect(notAppliedRefusal(planUpdate(held, 14, settings), 'WRONGTYPE Operation against a key holding the wrong kind of value')).toEqual({
      event_id: held.id,
      job_id: JOB,
      type: 'held',
      reason: 'not_applied',
      status: null,
      message: `the held of job ${JOB} could not be applied and was set aside; it changed nothing (WRONGTYPE Operation against a key holding the wrong kind of value)`,
    });
    expect(notAppliedRefusal(planUpdate(events.started(), 15, settings), 'WRONGTYPE')).toBeNull();
  });
});
