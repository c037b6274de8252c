import type { Actor } from './actor.js';
import type { ApiError } from './api-error.js';
import type { JobStatus } from './job-status.js';
import type { JobView } from './job-view.js';

/** Request/reply payloads between the gateway and job-state. */
export interface GetJobRequest {
  job_id: string;
  /** When set (a submitter asking), another owner's job answers not found. */
  owner?: string;
}

/** Most ids one `job.state.get_many` may ask about. */
export const GET_MANY_MAX_IDS = 100;

/** Asks about several jobs at once, as a service (no owner): what `job.state.get` says of each, in brief. */
export interface GetManyJobsRequest {
  job_ids: string[];
}

/**
 * One job as `job.state.get_many` answers it: its status (a job written to JOBS but not yet
 * projected is `pending`, as `job.state.get` answers), `gone` once it was deleted (where
 * `job.state.get` answers 410), null when job-state has never seen it (404).
 */
export type JobBrief = { status: JobStatus } | { gone: true } | null;

export interface GetManyJobsReply {
  /** Every asked id, once. */
  jobs: Record<string, JobBrief>;
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

/** Operator commands carry the authenticated actor: every deletion has one. */
export interface PurgePlanRequest {
  actor: Actor;
  job_ids?: string[];
  status?: JobStatus[];
  older_than_s?: number;
  erase?: boolean;
  reason?: string;
}

export interface PurgePlanView {
  plan_id: string;
  count: number;
  /** Up to 20 of the frozen ids. */
  sample: string[];
  erase: boolean;
  expires_at: string;
  /** Present only in the answer to the plan request: it is stored hashed. */
  confirm_token?: string;
}

export const PurgePlanStatus = { Planned: 'planned', Running: 'running', Completed: 'completed', Expired: 'expired' } as const;
export type PurgePlanStatus = (typeof PurgePlanStatus)[keyof typeof PurgePlanStatus];

export interface PurgeProgress extends PurgePlanView {
  status: PurgePlanStatus;
  deleted: number;
  /** Held since planning, or already gone. */
  skipped: number;
  failed: number;
  created_by: string;
  confirmed_by: string | null;
}

export interface PurgeConfirmRequest {
  actor: Actor;
  plan_id: string;
  confirm_token: string;
}

export interface PurgeStatusRequest {
  plan_id: string;
}

export interface JobCommandRequest {
  actor: Actor;
  job_id: string;
  reason?: string;
}

/** The 410 answer for a job the trail knows was deleted. */
export interface GoneError extends ApiError {
  deleted_at: string;
  reason: string;
  actor: Actor;
}

/** What set a rebuild off: an operator's request, or job-state finding Redis without its state. */
export const RebuildTrigger = { Operator: 'operator', RedisEmpty: 'redis_empty' } as const;
export type RebuildTrigger = (typeof RebuildTrigger)[keyof typeof RebuildTrigger];

export const RebuildStatus = { Running: 'running', Completed: 'completed', Failed: 'failed' } as const;
export type RebuildStatus = (typeof RebuildStatus)[keyof typeof RebuildStatus];

/** `job.state.rebuild`: an operator asks job-state to rebuild the live state from JOBS. */
export interface RebuildRequest {
  actor: Actor;
  reason?: string;
}

/** A rebuild of the live state from JOBS, as `job.state.rebuild` and `job.state.rebuild_status` answer it. */
export interface RebuildProgress {
  rebuild_id: string;
  status: RebuildStatus;
  trigger: RebuildTrigger;
  /** JOBS events read so far, and how many the stream held (it may grow while the rebuild runs). */
  events_read: number;
  events_total: number;
  /** Jobs the rebuild wrote back (missing or older in Redis) and that live on. */
  jobs_restored: number;
  /** Jobs whose deletion the rebuild applied again (tombstone restored): they stay deleted. */
  jobs_deleted: number;
  started_at: string;
  finished_at: string | null;
  /** Who asked: the operator's key name, or `job-state` for an automatic rebuild. */
  actor: string;
  reason: string | null;
  /** Why a failed rebuild stopped. */
  error: string | null;
}
