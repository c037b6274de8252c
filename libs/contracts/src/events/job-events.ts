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

export interface JobDeletedData {
  reason: DeletionReason;
  /** The job as it was: the archive a restore rebuilds from. Null when erased. */
  snapshot: JobView | null;
  /** sha256 of the canonical JSON of the snapshot (kept even when erased). */
  content_hash: string;
  plan_id: string | null;
}

export interface JobRestoredData {
  snapshot: JobView;
  /** The `deleted` event whose snapshot was restored. */
  from_event_id: string;
  reason: string | null;
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
