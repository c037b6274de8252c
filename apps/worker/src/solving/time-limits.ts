/**
 * Per-job time limits: what happens at which moment of a run. Time counts from when the job
 * started running on the worker (a child took it). Before the soft limit the solver goes on;
 * from the soft limit it stops at its next step boundary with its best candidate, unless it
 * has none yet; at the hard limit the worker kills the child and the job fails.
 */

/** The deployment's ceilings (CRUX_SOFT_TIME_LIMIT_S, CRUX_HARD_TIME_LIMIT_S). */
export interface TimeLimitSettings {
  softTimeLimitS: number;
  hardTimeLimitS: number;
}

export interface TimeLimits {
  softMs: number;
  hardMs: number;
}

export type DeadlineAction = 'continue' | 'stop-with-best' | 'kill';

/**
 * The limits of one job: a request may ask for lower ones (`soft_time_limit_s`,
 * `time_limit_s`) but never for more than the deployment allows. The gateway validated the
 * fields; anything else found here is ignored rather than trusted.
 */
export function jobTimeLimits(request: Record<string, unknown>, settings: TimeLimitSettings): TimeLimits {
  return {
    softMs: Math.round(lower(request.soft_time_limit_s, settings.softTimeLimitS) * 1000),
    hardMs: Math.round(lower(request.time_limit_s, settings.hardTimeLimitS) * 1000),
  };
}

function lower(asked: unknown, ceiling: number): number {
  return typeof asked === 'number' && Number.isFinite(asked) && asked > 0 ? Math.min(asked, ceiling) : ceiling;
}

/** What a run that has been going `elapsedMs` should do now. */
export function deadlineAction(elapsedMs: number, limits: TimeLimits, hasCandidate: boolean): DeadlineAction {
  if (elapsedMs >= limits.hardMs) return 'kill';
  // With nothing to answer yet, stopping would only throw the work away: the hard limit is the backstop.
  if (elapsedMs >= limits.softMs && hasCandidate) return 'stop-with-best';
  return 'continue';
}

/** The `error` of a job the hard limit killed: which limit, and how long it ran. */
export function hardLimitError(limitMs: number, ranMs: number, signal: 'SIGTERM' | 'SIGKILL'): string {
  return (
    `the job ran past its hard time limit of ${seconds(limitMs)} (CRUX_HARD_TIME_LIMIT_S or the request's time_limit_s) ` +
    `and was stopped by ${signal} after running ${seconds(ranMs)}`
  );
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(ms < 10_000 ? 2 : 0))} s`;
}
