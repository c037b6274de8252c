import type { Actor } from '../actor.js';
import type { SolveMode } from '../dto/solve-request.js';
import type { JobStatus } from '../job-status.js';
import type { JobView } from '../job-view.js';

/**
 * Job events: facts in the past tense. `type` is the subject token, so an event of type
 * `completed` for job 42 is published on `job.completed.42`.
 */
export const JobEventType = {
  Created: 'created',
  Started: 'started',
  Progress: 'progress',
  Completed: 'completed',
  Failed: 'failed',
  Cancel: 'cancel',
  Revoked: 'revoked',
  RevokeUnconfirmed: 'revoke_unconfirmed',
  Deleted: 'deleted',
  Restored: 'restored',
  Held: 'held',
  Released: 'released',
  /** Purge events are about a plan, not one job: their `job_id` is the plan id. */
  PurgePlanned: 'purge_planned',
  PurgeConfirmed: 'purge_confirmed',
} as const;
export type JobEventType = (typeof JobEventType)[keyof typeof JobEventType];
export const JOB_EVENT_TYPES: readonly JobEventType[] = Object.values(JobEventType);

/** The envelope every event travels in. `id` is also the Nats-Msg-Id, so a retried publish is stored once. */
export interface EventEnvelope<T extends string = string, D = unknown> {
  id: string;
  type: T;
  job_id: string;
  occurred_at: string;
  actor: Actor;
  /** The request or job this event belongs to; the job id for job events. */
  correlation_id: string;
  /** The event that caused this one, or null for an event caused by a request. */
  causation_id: string | null;
  data: D;
}

export interface JobCreatedData {
  mode: SolveMode;
  owner: string;
  /** The request as the client sent it, minus transport-only fields such as async_mode. */
  request: Record<string, unknown>;
  model_name: string | null;
  llm_provider: string;
  continued_from: string | null;
  /**
   * Set on a continued job (POST /solve/continue/{id}): where its origin's self-evolve loop
   * left off, so the event log is self-contained and the worker needs no lookup.
   */
  continuation?: ContinuationSeed | null;
}

/** One round of a self-evolve loop, as a result's `metadata.history` records it. */
export interface IterationSeed {
  iteration: number;
  candidate: string;
  score: number;
  feedback: string;
  stop: boolean;
}

/** A completed basic job's evolution, from which a continued job carries on. */
export interface ContinuationSeed {
  /** The origin's rounds in order; the continued job numbers its own after the last. */
  iterations: IterationSeed[];
  /** The origin's best candidate: it carries over unless a new round beats it. */
  best: { output: string; score: number; iteration: number };
}

export interface JobStartedData {
  worker_id: string;
  pid: number;
  /** 1 for the first delivery; higher when a job is restarted after a worker died. */
  attempt: number;
}

export interface JobProgressData {
  progress: number;
  current_phase: string;
  partial_results?: unknown;
}

export type StopReason = 'evaluator_stop' | 'max_iters' | 'time_limit';

export interface SolveResult {
  output: string;
  iterations: number;
  total_tokens: number;
  processing_time: number;
  converged: boolean;
  stop_reason: StopReason;
  metadata: Record<string, unknown>;
}

export interface JobCompletedData {
  result: SolveResult;
}

export const FailureReason = {
  Error: 'error',
  WorkerLost: 'worker_lost',
  TimeLimit: 'time_limit',
  Provider: 'provider_error',
} as const;
export type FailureReason = (typeof FailureReason)[keyof typeof FailureReason];

export interface JobFailedData {
  error: string;
  reason: FailureReason;
}

export interface JobCancelData {
  reason: string | null;
}

export type RevokeOutcome = 'terminated' | 'killed' | 'not-started' | 'not-running';

export interface JobRevokedData {
  terminated: boolean;
  outcome: RevokeOutcome;
  signal: 'SIGTERM' | 'SIGKILL' | null;
  pid: number | null;
  worker_id: string;
  took_ms: number;
}

export interface JobRevokeUnconfirmedData {
  worker_id: string | null;
  waited_ms: number;
  detail: string;
}

export const DeletionReason = {
  /** An operator's confirmed purge plan. */
  Purge: 'purge',
  /** The job's TTL ran out (job-state's sweep, or Redis's own expiry as the backstop). */
  Ttl: 'ttl',
  /** Something outside Crux removed the key (e.g. `redis-cli DEL`). */
  External: 'external',
  /** A purge with erase: the job's content is also removed from the JOBS stream. */
  Erase: 'erase',
} as const;
export type DeletionReason = (typeof DeletionReason)[keyof typeof DeletionReason];

/** Where a deleted job's content is kept for a restore. */
export const DeletionArchive = {
  /** In the event's `snapshot`. */
  Snapshot: 'snapshot',
  /** In the job's own history in JOBS, up to this event: a restore replays it. */
  History: 'history',
  /** Nowhere: erased, or its history had already left JOBS. */
  None: 'none',
} as const;
export type DeletionArchive = (typeof DeletionArchive)[keyof typeof DeletionArchive];
export const DELETION_ARCHIVES: readonly DeletionArchive[] = Object.values(DeletionArchive);

/** What the trail and the projection need to know of a deleted job, without its content. */
export interface DeletedJobFacts {
  owner: string;
  status: JobStatus;
  mode: SolveMode;
  created_at: string;
  /** JOBS sequence of the last event applied to the job: the version a restore must rebuild. */
  version: number;
}

export interface JobDeletedData {
  reason: DeletionReason;
  /** The job as it was, when `archive` is `snapshot`; otherwise null. */
  snapshot: JobView | null;
  /** Where a restore finds the job. Absent in events stored before it existed: `snapshot` when there is one, else `none`. */
  archive?: DeletionArchive;
  /** The job's owner, status and version when the event carries no snapshot; null when erased. */
  job?: DeletedJobFacts | null;
  /**
   * sha256 naming the job's content (kept even when erased). Current events hash the job's
   * stored fields (jobContentHash in job-state); older ones the canonical JSON of the snapshot.
   */
  content_hash: string;
  plan_id: string | null;
}

export interface JobRestoredData {
  snapshot: JobView;
  /** The `deleted` event the job was restored from. */
  from_event_id: string;
  reason: string | null;
  /** The restored job's content hash, as its deletion named it. Absent in older events. */
  content_hash?: string;
}

/** Where a restore finds the job deleted by an event of either form. */
export function deletionArchiveOf(data: JobDeletedData): DeletionArchive {
  return data.archive ?? (data.snapshot ? DeletionArchive.Snapshot : DeletionArchive.None);
}

/** The deleted job's facts, from an event of either form; null when erased. */
export function deletedJobFactsOf(data: JobDeletedData): DeletedJobFacts | null {
  if (data.job) return data.job;
  const s = data.snapshot;
  return s ? { owner: s.owner, status: s.status, mode: s.mode, created_at: s.created_at, version: s.version } : null;
}

export interface JobHoldData {
  reason: string | null;
}

export interface PurgeFilter {
  job_ids?: string[];
  status?: JobStatus[];
  /** Only jobs created more than this many seconds before the plan. */
  older_than_s?: number;
}

export interface PurgePlannedData {
  plan_id: string;
  count: number;
  filter: PurgeFilter;
  erase: boolean;
  expires_at: string;
  /** sha256 of the frozen, sorted id list: the trail shows exactly which list was confirmed. */
  ids_hash: string;
  reason: string | null;
}

export interface PurgeConfirmedData {
  plan_id: string;
  count: number;
  erase: boolean;
  ids_hash: string;
}

export type JobCreated = EventEnvelope<'created', JobCreatedData>;
export type JobStarted = EventEnvelope<'started', JobStartedData>;
export type JobProgressed = EventEnvelope<'progress', JobProgressData>;
export type JobCompleted = EventEnvelope<'completed', JobCompletedData>;
export type JobFailed = EventEnvelope<'failed', JobFailedData>;
export type JobCancelled = EventEnvelope<'cancel', JobCancelData>;
export type JobRevoked = EventEnvelope<'revoked', JobRevokedData>;
export type JobRevokeUnconfirmed = EventEnvelope<'revoke_unconfirmed', JobRevokeUnconfirmedData>;
export type JobDeleted = EventEnvelope<'deleted', JobDeletedData>;
export type JobRestored = EventEnvelope<'restored', JobRestoredData>;
export type JobHeld = EventEnvelope<'held', JobHoldData>;
export type JobReleased = EventEnvelope<'released', JobHoldData>;
export type PurgePlanned = EventEnvelope<'purge_planned', PurgePlannedData>;
export type PurgeConfirmed = EventEnvelope<'purge_confirmed', PurgeConfirmedData>;

export type JobEvent =
  | JobCreated
  | JobStarted
  | JobProgressed
  | JobCompleted
  | JobFailed
  | JobCancelled
  | JobRevoked
  | JobRevokeUnconfirmed
  | JobDeleted
  | JobRestored
  | JobHeld
  | JobReleased
  | PurgePlanned
  | PurgeConfirmed;

/** Events after which a job's event stream has nothing more to say (SSE closes, sync waits end). */
export function isTerminalEvent(type: string): boolean {
  return type === 'completed' || type === 'failed' || type === 'cancel';
}
