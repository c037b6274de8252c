/**
 * When the openai provider tries a call again, and after how long. Plain functions: the
 * clock and the randomness are arguments, so the schedule is tested without waiting.
 */

export interface RetryPolicy {
  /** Retries after the first attempt (CRUX_OPENAI_MAX_RETRIES): at most maxRetries + 1 attempts. */
  maxRetries: number;
  /** First backoff window (CRUX_OPENAI_RETRY_BASE_MS); it doubles each retry. */
  baseMs: number;
  /** Cap on any one wait, a server's Retry-After included (CRUX_OPENAI_RETRY_MAX_MS). */
  maxMs: number;
}

/**
 * A 200 whose body is not a chat completion is usually a truncated or proxied answer, so it
 * is tried again, but only this many times: a server that keeps answering garbage is not
 * going to change its mind, and each try may cost tokens.
 */
export const INVALID_BODY_RETRIES = 1;

/** Why one attempt did not give an answer. */
export type AttemptFailure =
  | { kind: 'status'; status: number; retryAfterMs: number | null }
  | { kind: 'connect_timeout' }
  | { kind: 'read_timeout' }
  | { kind: 'network' }
  | { kind: 'invalid_body' };

/** 408 and 429 are the server asking us to come back; 5xx are its own trouble. Other 4xx will not change on a retry. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * Exponential backoff with full jitter (a uniform wait in [0, min(max, base·2^(retry-1)))),
 * so many clients that failed together do not come back together. `retry` counts from 1.
 */
export function backoffMs(retry: number, policy: Pick<RetryPolicy, 'baseMs' | 'maxMs'>, random: () => number = Math.random): number {
  const window = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * window);
}

/**
 * Retry-After as seconds (`120`) or an HTTP date, in milliseconds from `nowMs`; null when
 * absent or unreadable (then the backoff applies). A date in the past means "now": 0.
 */
export function parseRetryAfter(header: string | string[] | undefined, nowMs: number): number | null {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  // An HTTP date names its month; anything else (`-1`) is not one, whatever Date.parse thinks.
  const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - nowMs);
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

/**
 * After failed attempt number `attempt` (1-based; `invalidBodies` of them were 200s with a
 * bad body, this one included): try again, and after how long, or give up.
 */
export function decideRetry(
  failure: AttemptFailure,
  attempt: number,
  invalidBodies: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): RetryDecision {
  if (attempt > policy.maxRetries) return { retry: false };
  if (failure.kind === 'status' && !isRetryableStatus(failure.status)) return { retry: false };
  if (failure.kind === 'invalid_body' && invalidBodies > INVALID_BODY_RETRIES) return { retry: false };
  // The server's own estimate beats our guess, but never makes one job wait unboundedly.
  if (failure.kind === 'status' && failure.retryAfterMs !== null)
    return { retry: true, delayMs: Math.min(policy.maxMs, failure.retryAfterMs) };
  return { retry: true, delayMs: backoffMs(attempt, policy, random) };
}
