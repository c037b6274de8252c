/**
 * What a cancel does to one delivery of `job.created`, depending on how far the worker has
 * got with it, and what the worker records once the job is stopped. Pure, so every branch
 * is tested without a broker or a child process.
 */
import type { JobRevokedData } from '@crux/contracts';
import type { JobOutcome } from '../pool/pool-types.js';

export const DeliveryPhase = {
  /** Received; deciding whether the job may run (reading JOBS for a redelivered job). */
  Deciding: 'deciding',
  /** May run; waiting for a free child. */
  Starting: 'starting',
  /** A child has the job. */
  Running: 'running',
  /** The child has reported its outcome; the worker is recording it. */
  Finishing: 'finishing',
} as const;
export type DeliveryPhase = (typeof DeliveryPhase)[keyof typeof DeliveryPhase];

export const CancelAction = {
  /** Let the message go once the decision is made, without running or recording anything. */
  Drop: 'drop',
  /** Take the job back from the pool's queue, then drop it. */
  Withdraw: 'withdraw',
  /** Kill the child now: SIGTERM, SIGKILL after the grace. */
  Revoke: 'revoke',
  /**
   * The child is done: its result is not recorded unless it is already on its way, and the
   * child is stopped before `job.revoked` is written (OutcomeRecorder.settleCancelled).
   */
  VoidResult: 'void-result',
} as const;
export type CancelAction = (typeof CancelAction)[keyof typeof CancelAction];

export function actionOnCancel(phase: DeliveryPhase): CancelAction {
  switch (phase) {
    case DeliveryPhase.Deciding:
      return CancelAction.Drop;
    case DeliveryPhase.Starting:
      return CancelAction.Withdraw;
    case DeliveryPhase.Running:
      return CancelAction.Revoke;
    case DeliveryPhase.Finishing:
      return CancelAction.VoidResult;
    default: {
      const unknown: never = phase;
      throw new Error(`unknown delivery phase ${String(unknown)}`);
    }
  }
}

/**
 * The `job.revoked` data for a cancelled job that had a child, from how its run ended.
 * `terminated` is true only when the job's process is gone; a child that had already
 * finished the job and lives on (it took another job before it could be stopped) was not
 * running it: `not-running`.
 */
export function revokedData(outcome: JobOutcome, workerId: string, pid: number | null): JobRevokedData {
  switch (outcome.kind) {
    case 'revoked':
      return { ...outcome.revoke, pid: outcome.revoke.pid ?? pid, worker_id: workerId };
    case 'lost':
      return { terminated: true, outcome: 'not-running', signal: null, pid: outcome.pid, worker_id: workerId, took_ms: 0 };
    case 'completed':
    case 'failed':
      return { terminated: false, outcome: 'not-running', signal: null, pid, worker_id: workerId, took_ms: 0 };
    default: {
      const unknown: never = outcome;
      throw new Error(`unknown job outcome ${JSON.stringify(unknown)}`);
    }
  }
}
