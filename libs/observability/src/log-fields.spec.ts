import { describe, expect, it } from '@jest/globals';
import { fieldsInParams, fieldsInText } from './log-fields.js';

const JOB = '0b6a4c1e-2f3d-4e5a-9b8c-7d6e5f4a3b2c';
const PLAN = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';

describe('fields named in the services’ sentences', () => {
  it('finds the job id right after "job"', () => {
    expect(fieldsInText(`job ${JOB} failed: provider_error`)).toEqual({ job_id: JOB });
    expect(fieldsInText(`event stream of job ${JOB} broke off: closed`)).toEqual({ job_id: JOB });
    expect(fieldsInText(`handed job ${JOB.toUpperCase()} back to the queue`)).toEqual({ job_id: JOB });
  });

  it('finds a purge plan and its actor, and the job a plan step is about', () => {
    expect(fieldsInText(`purge plan ${PLAN} by ops-1: 3 jobs, confirmable until 2026-12-06T10:00:00Z`)).toEqual({
      plan_id: PLAN,
      actor: 'ops-1',
    });
    expect(fieldsInText(`purge plan ${PLAN} confirmed by alice: deleting 3 jobs`)).toEqual({ plan_id: PLAN, actor: 'alice' });
    expect(fieldsInText(`purge plan ${PLAN}: job ${JOB} not deleted: timeout`)).toEqual({ plan_id: PLAN, job_id: JOB });
    expect(fieldsInText(`rebuild ${PLAN} by ops failed after 10 events: gone`)).toEqual({ rebuild_id: PLAN, actor: 'ops' });
  });

  it('takes nothing that is not an id after its noun: no "by" of a signal, no word after "job"', () => {
    expect(fieldsInText(`job ${JOB} revoked: terminated by SIGTERM (child 12, 30 ms)`)).toEqual({ job_id: JOB });
    expect(fieldsInText('not running job abc: cancelled')).toEqual({});
    expect(fieldsInText('job events pulled again in 20 ms')).toEqual({});
    expect(fieldsInText('projector lease released')).toEqual({});
  });

  it('takes the fields given explicitly, an actor object as its id, and ignores other keys and non-strings', () => {
    expect(fieldsInParams({ job_id: JOB, actor: { kind: 'user', id: 'alice' }, count: 3 })).toEqual({ job_id: JOB, actor: 'alice' });
    expect(fieldsInParams({ plan_id: 42, event_id: '' })).toEqual({});
    expect(fieldsInParams(undefined)).toEqual({});
  });
});
