/**
 * What `watch` shows, as a pure fold over a job's events: the line state (status,
 * progress, phase), notices worth a line of their own, and the outcome once the job ends.
 */
import type {
  JobCancelData,
  JobFailedData,
  JobProgressData,
  JobRevokedData,
  JobRevokeUnconfirmedData,
  JobStartedData,
  JobView,
  SolveResult,
} from '@crux/contracts';
import type { ProgressLineState } from './render/progress-bar.js';
import type { JobStreamEvent } from './sse/follow-job.js';

export type WatchOutcome =
  | { kind: 'completed'; result: SolveResult | null }
  | { kind: 'failed'; error: string; reason: string | null }
  | { kind: 'cancelled'; by: string | null; reason: string | null };

export interface WatchStep {
  state: ProgressLineState;
  notice?: string;
  outcome?: WatchOutcome;
}

export const INITIAL_WATCH_STATE: ProgressLineState = { status: 'pending', progress: 0, phase: 'waiting for the first event' };

export function applyJobEvent(state: ProgressLineState, event: JobStreamEvent): WatchStep {
  const data = (event.envelope?.data ?? {}) as Record<string, unknown>;
  switch (event.type) {
    case 'created':
      return { state: { status: 'pending', progress: 0, phase: 'queued, waiting for a worker' } };
    case 'started': {
      const started = data as Partial<JobStartedData>;
      const next = { status: 'running', progress: state.status === 'running' ? state.progress : 0, phase: 'started' };
      return started.attempt && started.attempt > 1
        ? { state: next, notice: `job restarted on worker ${started.worker_id ?? '?'} (attempt ${started.attempt})` }
        : { state: next };
    }
    case 'progress': {
      const progress = data as Partial<JobProgressData>;
      return {
        state: {
          status: 'running',
          progress: typeof progress.progress === 'number' ? progress.progress : state.progress,
          phase: typeof progress.current_phase === 'string' ? progress.current_phase : state.phase,
        },
      };
    }
    case 'completed': {
      const result = (data.result ?? null) as SolveResult | null;
      return { state: { status: 'completed', progress: 1, phase: null }, outcome: { kind: 'completed', result } };
    }
    case 'failed': {
      const failed = data as Partial<JobFailedData>;
      return {
        state: { ...state, status: 'failed' },
        outcome: { kind: 'failed', error: failed.error ?? 'no error message', reason: failed.reason ?? null },
      };
    }
    case 'cancel': {
      const cancel = data as Partial<JobCancelData>;
      return {
        state: { ...state, status: 'cancelled' },
        outcome: { kind: 'cancelled', by: event.envelope?.actor?.id ?? null, reason: cancel.reason ?? null },
      };
    }
    case 'revoked': {
      const revoked = data as Partial<JobRevokedData>;
      const how = revoked.signal ? ` with ${revoked.signal}` : '';
      return { state, notice: `worker ${revoked.worker_id ?? '?'} stopped the job${how} (${revoked.outcome ?? 'revoked'})` };
    }
    case 'revoke_unconfirmed': {
      const unconfirmed = data as Partial<JobRevokeUnconfirmedData>;
      return { state, notice: `warning: no worker confirmed stopping the job: ${unconfirmed.detail ?? 'no detail'}` };
    }
    default:
      // A newer gateway may send event types this CLI does not know; they change nothing shown.
      return { state };
  }
}

/**
 * The outcome read from the job itself, for a stream that ended without a terminal event
 * (204: the job is over and its events are no longer there to replay). Undefined while the job is active.
 */
export function outcomeOfJob(job: JobView): WatchOutcome | undefined {
  switch (job.status) {
    case 'completed':
      return { kind: 'completed', result: job.result };
    case 'failed':
      return { kind: 'failed', error: job.error ?? 'no error message', reason: null };
    case 'cancelled':
      return { kind: 'cancelled', by: null, reason: null };
    default:
      return undefined;
  }
}

/** The closing words of `watch` for each outcome. */
export function describeOutcome(outcome: Exclude<WatchOutcome, { kind: 'completed' }>): string {
  if (outcome.kind === 'failed') return `failed${outcome.reason ? ` (${outcome.reason})` : ''}: ${outcome.error}`;
  const by = outcome.by ? ` by ${outcome.by}` : '';
  return `cancelled${by}${outcome.reason ? `: ${outcome.reason}` : ''}`;
}
