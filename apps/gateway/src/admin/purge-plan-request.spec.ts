import { describe, expect, it } from '@jest/globals';
import { PurgePlanBody } from '@crux/contracts';
import { ApiHttpError } from '../errors/api-http-error.js';
import { validateDto } from '../validation/validate-dto.js';
import { purgePlanRequest } from './purge-plan-request.js';

const ops = { kind: 'user' as const, id: 'ops' };
const A = '0b9f2c7e-7d1a-4c55-9e8f-1a2b3c4d5e6f';
const B = '1c0a3d8f-8e2b-4d66-8f90-2b3c4d5e6f70';

const plan = (body: Record<string, unknown>) => purgePlanRequest(validateDto(PurgePlanBody, body), ops);

const refusal = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiHttpError && error.getStatus() === 400) return error.body.message;
    throw error;
  }
  throw new Error('expected a 400');
};

describe('purgePlanRequest', () => {
  it('passes every filter on, with the actor, in seconds', () => {
    expect(plan({ job_ids: [A, B], status: ['completed', 'failed'], older_than: '7d', erase: true, reason: 'GDPR request 42' })).toEqual({
      actor: ops,
      job_ids: [A, B],
      status: ['completed', 'failed'],
      older_than_s: 604_800,
      erase: true,
      reason: 'GDPR request 42',
    });
  });

  it('limits a plan without a status filter to finished jobs', () => {
    expect(plan({ job_ids: [A] })).toEqual({ actor: ops, job_ids: [A], status: ['completed', 'failed', 'cancelled'], erase: false });
    expect(plan({ older_than: 3600 })).toEqual({
      actor: ops,
      older_than_s: 3600,
      status: ['completed', 'failed', 'cancelled'],
      erase: false,
    });
  });

  it('drops repeated ids and statuses', () => {
    expect(plan({ job_ids: [A, A.toUpperCase(), B], status: ['failed', 'failed'] })).toMatchObject({ job_ids: [A, B], status: ['failed'] });
  });

  it('needs at least one filter', () => {
    expect(refusal(() => plan({}))).toBe('a purge needs at least one filter: job_ids, status or older_than');
    expect(refusal(() => plan({ erase: true, reason: 'tidy' }))).toBe('a purge needs at least one filter: job_ids, status or older_than');
  });

  it('refuses pending and running jobs, saying to cancel them first', () => {
    expect(refusal(() => plan({ status: ['completed', 'running', 'pending', 'running'] }))).toBe(
      'a purge cannot include running or pending jobs: cancel them first (DELETE /api/v1/jobs/{id}), then purge them once cancelled',
    );
  });

  it.each([
    [{ job_ids: ['42'] }, 'job_ids must hold job ids (UUIDs)'],
    [{ job_ids: A }, 'job_ids must be a list of job ids'],
    [{ job_ids: [] }, 'job_ids must not be empty'],
    [{ status: 'completed' }, 'status must be a list of statuses'],
    [{ status: ['done'] }, 'status must hold only: pending, running, completed, failed, cancelled'],
    [{ status: [] }, 'status must not be empty'],
    [{ older_than: '7 days' }, 'older_than must be a duration such as "30m", "12h", "7d"'],
    [{ older_than: -5 }, 'older_than must be a duration'],
    [{ status: ['failed'], erase: 'yes' }, 'erase must be true or false'],
    [{ status: ['failed'], reason: 'x'.repeat(501) }, 'reason must be at most 500 characters'],
    [{ status: ['failed'], reason: 7 }, 'reason must be a string'],
    [{ status: ['failed'], force: true }, 'unknown field force (allowed: job_ids, status, older_than, erase, reason)'],
  ])('refuses %j', (body, message) => {
    expect(refusal(() => plan(body))).toContain(message);
  });

  it('refuses more than 100,000 ids', () => {
    const ids = Array.from({ length: 100_001 }, () => A);
    expect(refusal(() => plan({ job_ids: ids }))).toBe('job_ids must hold at most 100000 ids; split the purge');
  });
});
