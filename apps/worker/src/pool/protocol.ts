/**
 * Messages between the worker and its pool children over the IPC channel of
 * `child_process.fork`. One job per child at a time; every child message names its job.
 */
import type { FailureReason, SolveResult } from '@crux/contracts';
import type { SolveProgress } from '../solving/progress.js';
import type { SolveSpec } from '../solving/solve-spec.js';

export type ParentMessage = {
  type: 'run';
  spec: SolveSpec;
  /** Shortest gap between two `progress` messages; absent: every report is sent. */
  progress_interval_ms?: number;
};

export type ChildMessage =
  | { type: 'ready'; pid: number }
  | { type: 'progress'; job_id: string; progress: SolveProgress }
  | { type: 'completed'; job_id: string; result: SolveResult }
  | { type: 'failed'; job_id: string; reason: FailureReason; error: string };

/** Argument that makes a child ignore SIGTERM, so tests can exercise the SIGKILL path of revoke. */
export const IGNORE_SIGTERM_FLAG = '--ignore-sigterm';

export function isChildMessage(value: unknown): value is ChildMessage {
  const type = (value as { type?: unknown } | null)?.type;
  return type === 'ready' || type === 'progress' || type === 'completed' || type === 'failed';
}
