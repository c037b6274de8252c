import type { ApiError } from './api-error.js';
import type { JobStatus } from './job-status.js';
import type { JobView } from './job-view.js';

/** Request/reply payloads between the gateway and job-state. */
export interface GetJobRequest {
  job_id: string;
  /** When set (a submitter asking), another owner's job answers not found. */
  owner?: string;
}

export interface ListJobsRequest {
  status?: JobStatus;
  owner?: string;
  limit: number;
  cursor?: string;
}

export interface ListJobsReply {
  jobs: JobView[];
  next_cursor: string | null;
}

export type Reply<T> = { ok: true; value: T } | { ok: false; error: ApiError };
