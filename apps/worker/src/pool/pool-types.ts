import type { FailureReason, RevokeOutcome, SolveResult } from '@crux/contracts';
import type { SolveProgress } from '../solving/progress.js';

/** How a job handed to the pool ended. */
export type JobOutcome =
  | { kind: 'completed'; result: SolveResult }
  | { kind: 'failed'; reason: FailureReason; error: string }
  /** The child died under the job without being asked to (crash, OOM, kill -9): run it again elsewhere. */
  | { kind: 'lost'; pid: number; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'revoked'; revoke: RevokeResult };

export interface RunHandlers {
  /** Called synchronously once a child is assigned, before the child gets the job. */
  onStart?: (pid: number) => void;
  onProgress?: (progress: SolveProgress) => void;
}

export interface RunOptions {
  /** Aborting it withdraws the job while it still waits for a free child. */
  signal?: AbortSignal;
  /**
   * Asked once a child is free for the job, just before the child gets it: false hands the
   * child back and rejects the run with RunDeferredError, so the caller can make sure the job
   * is still wanted before it starts.
   */
  mayStart?: () => boolean;
  /**
   * Shortest gap between two progress reports the child sends; the last one held back is
   * dropped once the job ends (its outcome says more). Unset: every report is sent.
   */
  progressIntervalMs?: number;
  /**
   * The hard time limit: once the child has had the job this long it is killed the way a
   * revoke kills (SIGTERM, SIGKILL after `graceMs`, replaced) and the run fails with reason
   * `time_limit`. Unset: no limit.
   */
  hardLimit?: { ms: number; graceMs: number };
}

export interface RunningJob {
  pid: number;
  outcome: Promise<JobOutcome>;
}

/** What a revoke did to the job's process; the worker adds its id to make `job.revoked`. */
export interface RevokeResult {
  /** True once the job's process is gone. */
  terminated: boolean;
  outcome: Extract<RevokeOutcome, 'terminated' | 'killed' | 'not-running'>;
  signal: 'SIGTERM' | 'SIGKILL' | null;
  pid: number | null;
  took_ms: number;
}

export interface PoolLogger {
  /** What happens to every job; a service prints it only when asked to. */
  debug?(message: string): void;
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
