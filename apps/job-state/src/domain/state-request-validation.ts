import { apiError, GET_MANY_MAX_IDS, isJobStatus, JOB_STATUSES, type ApiError, type JobStatus } from '@crux/contracts';
import { decodeCursor, type ListPosition } from './list-cursor.js';

export const LIST_LIMIT_MAX = 100;

export type Checked<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export const badRequest = (message: string): { ok: false; error: ApiError } => ({
  ok: false,
  error: apiError(400, 'Bad Request', message),
});

export interface GetQuery {
  jobId: string;
  owner: string | null;
}

export function checkGetRequest(request: unknown): Checked<GetQuery> {
  const r = (request ?? {}) as Record<string, unknown>;
  if (typeof r.job_id !== 'string' || r.job_id === '') return badRequest('job_id must be a non-empty string');
  if (r.owner !== undefined && r.owner !== null && typeof r.owner !== 'string') return badRequest('owner must be a string');
  return { ok: true, value: { jobId: r.job_id, owner: typeof r.owner === 'string' ? r.owner : null } };
}

/** The distinct ids of a `job.state.get_many`, in the order first asked. */
export function checkGetManyRequest(request: unknown): Checked<string[]> {
  const ids = ((request ?? {}) as Record<string, unknown>).job_ids;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > GET_MANY_MAX_IDS) {
    return badRequest(`job_ids must be a list of 1 to ${GET_MANY_MAX_IDS} job ids`);
  }
  if (!ids.every((id): id is string => typeof id === 'string' && id !== '')) return badRequest('every job id must be a non-empty string');
  return { ok: true, value: [...new Set(ids)] };
}

export interface ListQuery {
  status: JobStatus | null;
  owner: string | null;
  limit: number;
  after: ListPosition | null;
}

export function checkListRequest(request: unknown): Checked<ListQuery> {
  const r = (request ?? {}) as Record<string, unknown>;
  if (!Number.isInteger(r.limit) || (r.limit as number) < 1 || (r.limit as number) > LIST_LIMIT_MAX) {
    return badRequest(`limit must be a whole number from 1 to ${LIST_LIMIT_MAX}`);
  }
  if (r.status !== undefined && r.status !== null && !isJobStatus(r.status)) {
    return badRequest(`status must be one of ${JOB_STATUSES.join(', ')}`);
  }
  if (r.owner !== undefined && r.owner !== null && (typeof r.owner !== 'string' || r.owner === '')) {
    return badRequest('owner must be a non-empty string');
  }
  let after: ListPosition | null = null;
  if (r.cursor !== undefined && r.cursor !== null && r.cursor !== '') {
    after = typeof r.cursor === 'string' ? decodeCursor(r.cursor) : null;
    if (!after) return badRequest('cursor is not valid: pass the next_cursor of a previous page unchanged');
  }
  return {
    ok: true,
    value: {
      status: isJobStatus(r.status) ? r.status : null,
      owner: typeof r.owner === 'string' ? r.owner : null,
      limit: r.limit as number,
      after,
    },
  };
}
