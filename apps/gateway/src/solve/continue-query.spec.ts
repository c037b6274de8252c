import { describe, expect, it } from '@jest/globals';
import { ApiHttpError } from '../errors/api-http-error.js';
import { parseContinueQuery } from './continue-query.js';

function refusal(query: Record<string, unknown>): string {
  try {
    parseContinueQuery(query);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiHttpError);
    expect((error as ApiHttpError).getStatus()).toBe(400);
    return (error as ApiHttpError).body.message;
  }
  throw new Error('expected a 400');
}

describe('parseContinueQuery', () => {
  it('reads additional_iterations as a whole number', () => {
    expect(parseContinueQuery({ additional_iterations: '2' })).toEqual({ additional_iterations: 2 });
    expect(parseContinueQuery({ additional_iterations: '50' })).toEqual({ additional_iterations: 50 });
  });

  it('requires it', () => {
    expect(refusal({})).toBe(
      'additional_iterations is required: how many more rounds to run, as a query parameter (?additional_iterations=N, 1 to 50)',
    );
    expect(refusal({ additional_iterations: '' })).toMatch(/additional_iterations is required/);
  });

  it.each(['0', '51', '2.5', '-1', 'two', '1e1', ' 3'])('refuses %j', (value) => {
    expect(refusal({ additional_iterations: value })).toBe(`additional_iterations must be a whole number from 1 to 50, got '${value}'`);
  });

  it('refuses a repeated or unknown parameter by name', () => {
    expect(refusal({ additional_iterations: ['1', '2'] })).toBe('additional_iterations must be given once');
    expect(refusal({ additional_iterations: '1', iters: '2' })).toMatch(/^unknown query parameter iters/);
  });
});
