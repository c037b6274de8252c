/**
 * When the pool forks the replacement of a child that died. A new child is a Node process
 * starting up: tens of milliseconds of CPU on a machine where the children still being
 * killed (a burst of cancels, a hard time limit) need a core to exit. So a replacement waits
 * until no other child of the pool is being killed, for at most `maxDeferMs`, unless a job
 * is already waiting for a child; a child that could not even start is retried with backoff.
 */
export type RespawnPlan =
  /** Fork it now. */
  | { kind: 'now' }
  /** Fork it after `ms`: children keep dying before they are ready. */
  | { kind: 'backoff'; ms: number }
  /** Fork it once no child is being killed any more, or after `maxMs` at the latest. */
  | { kind: 'after-kills'; maxMs: number };

export interface RespawnState {
  /** Consecutive children that died before becoming ready, this one included. */
  failedStarts: number;
  /** Other children of the pool signalled to die and not yet reaped. */
  othersDying: number;
  /** Jobs waiting for a free child. */
  jobsWaiting: number;
}

/** The longest backoff between failed starts. */
export const MAX_RESPAWN_BACKOFF_MS = 5000;

export function respawnPlan(state: RespawnState, maxDeferMs: number): RespawnPlan {
  // A child that cannot start would otherwise be re-forked in a tight loop.
  if (state.failedStarts > 0) return { kind: 'backoff', ms: Math.min(MAX_RESPAWN_BACKOFF_MS, 100 * 2 ** Math.min(state.failedStarts, 6)) };
  // A job waiting gains nothing from a later start; with nobody else dying there is nothing to wait for.
  if (state.jobsWaiting > 0 || state.othersDying === 0 || maxDeferMs <= 0) return { kind: 'now' };
  return { kind: 'after-kills', maxMs: maxDeferMs };
}
