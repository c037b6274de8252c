import { RedisKeys, type JobStatus } from '@crux/contracts';
import type { ListQuery } from './state-request-validation.js';

/** Which index a listing walks, and what it must still filter out of it. */
export interface ListSource {
  index: string;
  /** Set when the index holds more than the status asked for (owner + status). */
  statusFilter: JobStatus | null;
}

export function listSource(query: Pick<ListQuery, 'owner' | 'status'>): ListSource {
  if (query.owner !== null) return { index: RedisKeys.byOwner(query.owner), statusFilter: query.status };
  if (query.status !== null) return { index: RedisKeys.byStatus(query.status), statusFilter: null };
  return { index: RedisKeys.byCreated, statusFilter: null };
}
