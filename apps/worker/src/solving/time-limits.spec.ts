import { describe, expect, it } from '@jest/globals';
import { deadlineAction, hardLimitError, jobTimeLimits } from './time-limits.js';

const settings = { softTimeLimitS: 1800, hardTimeLimitS: 3600 };

describe('jobTimeLimits', () => {
  it('given a request that asks for nothing, when the limits are worked out, then they are the deployment’s', () => {
    expect(jobTimeLimits({ question: 'q' }, settings)).toEqual({ softMs: 1_800_000, hardMs: 3_600_000 });
  });

  it('given a request asking for lower limits, when they are worked out, then the request’s apply', () => {
    expect(jobTimeLimits({ soft_time_limit_s: 0.3, time_limit_s: 60 }, settings)).toEqual({ softMs: 300, hardMs: 60_000 });
  });

  it('given a request asking for more than the deployment allows, when they are worked out, then the deployment caps them', () => {
    expect(jobTimeLimits({ soft_time_limit_s: 99_999, time_limit_s: 99_999 }, settings)).toEqual({ softMs: 1_800_000, hardMs: 3_600_000 });
  });

  it.each([0, -5, '10', null, Number.NaN])('given a request limit of %p, when the limits are worked out, then it is ignored', (value) => {
    expect(jobTimeLimits({ soft_time_limit_s: value, time_limit_s: value }, settings)).toEqual({ softMs: 1_800_000, hardMs: 3_600_000 });
  });
});

describe('deadlineAction', () => {
  const limits = { softMs: 1000, hardMs: 5000 };

  it('given a run before its soft limit, then it continues', () => {
    expect(deadlineAction(999, limits, true)).toBe('continue');
  });

  it('given a run past its soft limit with a candidate, then it stops with its best', () => {
    expect(deadlineAction(1000, limits, true)).toBe('stop-with-best');
    expect(deadlineAction(4999, limits, true)).toBe('stop-with-best');
  });

  it('given a run past its soft limit with no candidate yet, then it keeps going', () => {
    expect(deadlineAction(4999, limits, false)).toBe('continue');
  });

  it('given a run at or past its hard limit, then it is killed, candidate or not', () => {
    expect(deadlineAction(5000, limits, true)).toBe('kill');
    expect(deadlineAction(9000, limits, false)).toBe('kill');
  });
});

describe('hardLimitError', () => {
  it('names the limit, how long the job ran and the signal that stopped it', () => {
    expect(hardLimitError(2000, 2345, 'SIGTERM')).toBe(
      "the job ran past its hard time limit of 2 s (CRUX_HARD_TIME_LIMIT_S or the request's time_limit_s) and was stopped by SIGTERM after running 2.35 s",
    );
    expect(hardLimitError(3_600_000, 3_602_500, 'SIGKILL')).toMatch(
      /hard time limit of 3600 s .* stopped by SIGKILL after running 3603 s$/,
    );
  });
});
