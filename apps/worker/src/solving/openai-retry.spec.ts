import { describe, expect, it } from '@jest/globals';
import { backoffMs, decideRetry, INVALID_BODY_RETRIES, isRetryableStatus, parseRetryAfter, type RetryPolicy } from './openai-retry.js';

const policy: RetryPolicy = { maxRetries: 4, baseMs: 500, maxMs: 30_000 };
const top = () => 0.999_999;

describe('openai retry schedule', () => {
  it('retries 408, 429 and 5xx, and no other status', () => {
    expect([408, 429, 500, 502, 503, 504, 599].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 422, 300, 200].some(isRetryableStatus)).toBe(false);
  });

  it('doubles the backoff window each retry up to the cap, with full jitter inside it', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((retry) => backoffMs(retry, policy, top))).toEqual([499, 999, 1999, 3999, 7999, 15_999, 29_999]);
    expect(backoffMs(20, policy, top)).toBe(29_999);
    expect(backoffMs(3, policy, () => 0)).toBe(0);
    expect(backoffMs(3, policy, () => 0.5)).toBe(1000);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 0.5 ', now)).toBe(500);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Mon, 31 Dec 2029 23:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(['3', '9'], now)).toBe(3000);
    for (const bad of [undefined, '', 'soon', '-1']) expect(parseRetryAfter(bad, now)).toBeNull();
  });

  it('honours Retry-After over the backoff, capped at the longest wait', () => {
    expect(decideRetry({ kind: 'status', status: 429, retryAfterMs: 2000 }, 1, 0, policy, top)).toEqual({ retry: true, delayMs: 2000 });
    expect(decideRetry({ kind: 'status', status: 503, retryAfterMs: 3_600_000 }, 1, 0, policy, top)).toEqual({
      retry: true,
      delayMs: 30_000,
    });
    expect(decideRetry({ kind: 'status', status: 500, retryAfterMs: null }, 2, 0, policy, top)).toEqual({ retry: true, delayMs: 999 });
  });

  it('retries timeouts and network errors until max_retries + 1 attempts, then gives up', () => {
    for (const kind of ['read_timeout', 'connect_timeout', 'network'] as const) {
      const retried = [1, 2, 3, 4, 5].map((attempt) => decideRetry({ kind }, attempt, 0, policy, top).retry);
      expect(retried).toEqual([true, true, true, true, false]);
    }
    expect(decideRetry({ kind: 'network' }, 1, 0, { ...policy, maxRetries: 0 }).retry).toBe(false);
  });

  it('fails a non-retryable 4xx at once', () => {
    for (const status of [400, 401, 403, 404])
      expect(decideRetry({ kind: 'status', status, retryAfterMs: 1 }, 1, 0, policy)).toEqual({ retry: false });
  });

  it('retries a 200 with an invalid body only a bounded number of times', () => {
    expect(INVALID_BODY_RETRIES).toBe(1);
    expect(decideRetry({ kind: 'invalid_body' }, 1, 1, policy, top).retry).toBe(true);
    expect(decideRetry({ kind: 'invalid_body' }, 2, 2, policy, top).retry).toBe(false);
    // A 500 after one invalid body still has the rest of the budget.
    expect(decideRetry({ kind: 'status', status: 500, retryAfterMs: null }, 2, 1, policy, top).retry).toBe(true);
  });
});
