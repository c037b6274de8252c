import { isJobStatus, JOB_STATUSES, type JobStatus } from '@crux/contracts';
import { ApiHttpError } from '../errors/api-http-error.js';
import type { QueryParameter } from '../http/query-reader.js';

export const ListLimits = { defaultLimit: 20, maxLimit: 100, maxCursorChars: 512 } as const;

export interface ListQuery {
  status?: JobStatus;
  limit: number;
  cursor?: string;
}

/** The query parameters parseListQuery reads, as the OpenAPI document describes them. */
export const LIST_QUERY: readonly QueryParameter[] = [
  { name: 'status', description: 'Only jobs in this status.', schema: { type: 'string', enum: [...JOB_STATUSES] } },
  {
    name: 'limit',
    description: 'Jobs per page.',
    schema: { type: 'integer', minimum: 1, maximum: ListLimits.maxLimit, default: ListLimits.defaultLimit },
  },
  { name: 'cursor', description: '`next_cursor` of the previous page.', schema: { type: 'string', maxLength: ListLimits.maxCursorChars } },
];

const KNOWN = LIST_QUERY.map((p) => p.name);

/**
 * Validates `GET /jobs?status=&limit=&cursor=`. Query values are text, so `limit` is parsed
 * here, strictly (digits only). Unknown parameters are refused by name, like unknown body
 * fields: a misspelt `stauts=` should not silently list every job.
 */
export function parseListQuery(query: Record<string, unknown>): ListQuery {
  const problems: string[] = [];
  const unknown = Object.keys(query).filter((key) => !KNOWN.includes(key));
  if (unknown.length > 0) {
    problems.push(`unknown query parameter${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (allowed: ${KNOWN.join(', ')})`);
  }
  const single = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      problems.push(`${name} must be given once`);
      return undefined;
    }
    return value;
  };
  const result: ListQuery = { limit: ListLimits.defaultLimit };

  const status = single('status');
  if (status !== undefined && status !== '') {
    if (isJobStatus(status)) result.status = status;
    else problems.push(`status must be one of: ${JOB_STATUSES.join(', ')}`);
  }

  const limit = single('limit');
  if (limit !== undefined && limit !== '') {
    const value = /^\d{1,4}$/.test(limit) ? Number(limit) : NaN;
    if (value >= 1 && value <= ListLimits.maxLimit) result.limit = value;
    else problems.push(`limit must be a whole number from 1 to ${ListLimits.maxLimit}`);
  }

  const cursor = single('cursor');
  if (cursor !== undefined && cursor !== '') {
    if (cursor.length <= ListLimits.maxCursorChars) result.cursor = cursor;
    else problems.push(`cursor must be at most ${ListLimits.maxCursorChars} characters; pass back the next_cursor of the previous page`);
  }

  if (problems.length > 0) throw new ApiHttpError(400, problems.join('; '));
  return result;
}
