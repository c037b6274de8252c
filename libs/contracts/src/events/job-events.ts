import type { Actor } from '../actor.js';
import type { SolveMode } from '../dto/solve-request.js';

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

export type JobCreated = EventEnvelope<'created', JobCreatedData>;
export type JobStarted = EventEnvelope<'started', JobStartedData>;
export type JobProgressed = EventEnvelope<'progress', JobProgressData>;
export type JobCompleted = EventEnvelope<'completed', JobCompletedData>;
export type JobFailed = EventEnvelope<'failed', JobFailedData>;
export type JobCancelled = EventEnvelope<'cancel', JobCancelData>;
export type JobRevoked = EventEnvelope<'revoked', JobRevokedData>;
export type JobRevokeUnconfirmed = EventEnvelope<'revoke_unconfirmed', JobRevokeUnconfirmedData>;

export type JobEvent =
  | JobCreated
  | JobStarted
  | JobProgressed
  | JobCompleted
  | JobFailed
  | JobCancelled
  | JobRevoked
  | JobRevokeUnconfirmed;

/** Events after which a job's event stream has nothing more to say (SSE closes, sync waits end). */
export function isTerminalEvent(type: string): boolean {
  return type === 'completed' || type === 'failed' || type === 'cancel';
}
