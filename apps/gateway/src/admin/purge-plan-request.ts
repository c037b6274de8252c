import { ACTIVE_STATUSES, parseDuration, TERMINAL_STATUSES, type Actor, type PurgePlanBody, type PurgePlanRequest } from '@crux/contracts';
import { ApiHttpError } from '../errors/api-http-error.js';

/**
 * Turns a validated POST /admin/purges body into job-state's PurgePlanRequest, with the
 * rules that span fields: at least one filter, and never a pending or running job. A purge
 * deletes state a worker may still be writing; such jobs are cancelled first, which the
 * trail records on its own. Without a status filter the plan is limited to finished jobs,
 * so an id list or an age alone cannot sweep up a running job either.
 */
export function purgePlanRequest(body: PurgePlanBody, actor: Actor): PurgePlanRequest {
  if (body.job_ids === undefined && body.status === undefined && body.older_than === undefined) {
    throw new ApiHttpError(400, 'a purge needs at least one filter: job_ids, status or older_than');
  }
  const active = (body.status ?? []).filter((status) => ACTIVE_STATUSES.includes(status));
  if (active.length > 0) {
    throw new ApiHttpError(
      400,
      `a purge cannot include ${[...new Set(active)].join(' or ')} jobs: cancel them first (DELETE /api/v1/jobs/{id}), then purge them once cancelled`,
    );
  }
  const request: PurgePlanRequest = {
    actor,
    status: body.status ? [...new Set(body.status)] : [...TERMINAL_STATUSES],
    erase: body.erase === true,
  };
  if (body.job_ids !== undefined) request.job_ids = [...new Set(body.job_ids.map((id) => id.toLowerCase()))];
  if (body.older_than !== undefined) {
    const seconds = parseDuration(body.older_than);
    // The DTO has checked it; a null here would be a bug, not bad input.
    if (seconds === null) throw new Error(`older_than ${String(body.older_than)} passed validation but does not parse`);
    request.older_than_s = seconds;
  }
  if (body.reason) request.reason = body.reason;
  return request;
}
