/**
 * Messages between the worker and its pool children over the IPC channel of
 * `child_process.fork`. A child runs one job at a time and may hold one more, queued: it
 * starts that one as soon as the one it runs ends, right after sending its outcome, so the
 * parent knows a queued job has started when it reads the outcome of the job before it.
 * Every child message names its job.
 */
import type { FailureReason, SolveResult } from '@crux/contracts';
import type { SolveProgress } from '../solving/progress.js';
import type { SolveSpec } from '../solving/solve-spec.js';

export interface RunMessage {
  /** Run it now if the child is free, else queue it behind the job it runs. */
  type: 'run';
  spec: SolveSpec;
  /** Shortest gap between two `progress` messages; absent: every report is sent. */
  progress_interval_ms?: number;
}

export type ParentMessage =
  | RunMessage
  /** Take the job out of the queue if it is still there (answered by `unqueued`); a job already started is left running. */
  | { type: 'unqueue'; job_id: string };

export type ChildMessage =
  | { type: 'ready'; pid: number }
  | { type: 'progress'; job_id: string; progress: SolveProgress }
  | { type: 'completed'; job_id: string; result: SolveResult }
  | { type: 'failed'; job_id: string; reason: FailureReason; error: string }
  /** The queued job was taken out before it started: it never ran in this child. */
  | { type: 'unqueued'; job_id: string };

/** Argument that makes a child ignore SIGTERM, so tests can exercise the SIGKILL path of revoke. */
export const IGNORE_SIGTERM_FLAG = '--ignore-sigterm';

export function isChildMessage(value: unknown): value is ChildMessage {
  const type = (value as { type?: unknown } | null)?.type;
  return type === 'ready' || type === 'progress' || type === 'completed' || type === 'failed' || type === 'unqueued';
}
