import { describe, expect, it } from '@jest/globals';
import { SolveBasicRequest, SolveEnhancedRequest } from '@crux/contracts';
import { ApiHttpError } from '../errors/api-http-error.js';
import { validateDto } from '../validation/validate-dto.js';

function message(body: unknown): string {
  try {
    validateDto(SolveBasicRequest, body);
  } catch (error) {
    if (error instanceof ApiHttpError) return error.body.message;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('the time-limit fields of a solve request', () => {
  it('accepts seconds above 0, fractions included, on basic and enhanced requests', () => {
    expect(validateDto(SolveBasicRequest, { question: 'q', soft_time_limit_s: 0.3, time_limit_s: 60 })).toMatchObject({
      soft_time_limit_s: 0.3,
      time_limit_s: 60,
    });
    expect(validateDto(SolveEnhancedRequest, { question: 'q', time_limit_s: 600 })).toMatchObject({ time_limit_s: 600 });
  });

  it.each([
    [{ soft_time_limit_s: '30' }, 'soft_time_limit_s must be a number'],
    [{ time_limit_s: true }, 'time_limit_s must be a number'],
    [{ soft_time_limit_s: 0 }, 'soft_time_limit_s must be above 0'],
    [{ time_limit_s: -1 }, 'time_limit_s must be above 0'],
    [{ time_limit_s: 604_801 }, 'time_limit_s must not be greater than 604800'],
  ])('refuses %j: %s', (fields, expected) => {
    expect(message({ question: 'q', ...fields })).toBe(expected);
  });
});
