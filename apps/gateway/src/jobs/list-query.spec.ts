import { describe, expect, it } from '@jest/globals';
import { ApiHttpError } from '../errors/api-http-error.js';
import { parseListQuery } from './list-query.js';

const message = (query: Record<string, unknown>) => {
  try {
    parseListQuery(query);
  } catch (error) {
    if (error instanceof ApiHttpError) return error.body.message;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('parseListQuery', () => {
  it('defaults the limit to 20', () => {
    expect(parseListQuery({})).toEqual({ limit: 20 });
  });

  it('takes status, limit and cursor', () => {
    expect(parseListQuery({ status: 'completed', limit: '100', cursor: 'abc' })).toEqual({
      status: 'completed',
      limit: 100,
      cursor: 'abc',
    });
  });

  it('treats empty values as absent', () => {
    expect(parseListQuery({ status: '', limit: '', cursor: '' })).toEqual({ limit: 20 });
  });

  it.each(['0', '101', '-1', '1.5', '2e1', ' 5', '0x10', 'ten'])('refuses limit %j', (limit) => {
    expect(message({ limit })).toBe('limit must be a whole number from 1 to 100');
  });

  it('refuses an unknown status, repeated parameters and unknown parameters together', () => {
    expect(message({ status: ['a', 'b'], stauts: 'x', limit: '0' })).toBe(
      'unknown query parameter stauts (allowed: status, limit, cursor); status must be given once; limit must be a whole number from 1 to 100',
    );
    expect(message({ status: 'done' })).toBe('status must be one of: pending, running, completed, failed, cancelled');
  });
});
