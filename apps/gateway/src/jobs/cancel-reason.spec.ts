import { describe, expect, it } from '@jest/globals';
import { ReasonBody } from '@crux/contracts';
import { ApiHttpError } from '../errors/api-http-error.js';
import { cancelReason } from './cancel-reason.js';

const body = (reason?: unknown) => Object.assign(new ReasonBody(), reason === undefined ? {} : { reason }) as ReasonBody;

const refusal = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiHttpError && error.getStatus() === 400) return error.body.message;
    throw error;
  }
  throw new Error('expected a 400');
};

describe('cancelReason', () => {
  it('takes the reason from the body or from the query', () => {
    expect(cancelReason(body('no longer needed'), {})).toBe('no longer needed');
    expect(cancelReason(body(), { reason: 'wrong input' })).toBe('wrong input');
  });

  it('is null when neither gives one, or the one given is empty', () => {
    expect(cancelReason(body(), {})).toBeNull();
    expect(cancelReason(body(''), { reason: '' })).toBeNull();
  });

  it('keeps the query within the body limit', () => {
    expect(cancelReason(body(), { reason: 'x'.repeat(500) })).toHaveLength(500);
    expect(refusal(() => cancelReason(body(), { reason: 'x'.repeat(501) }))).toBe('reason must be at most 500 characters');
  });

  it('refuses both at once, a repeated reason and unknown parameters', () => {
    expect(refusal(() => cancelReason(body('a'), { reason: 'b' }))).toBe('give the reason once: in the JSON body or as ?reason=, not both');
    expect(refusal(() => cancelReason(body(), { reason: ['a', 'b'] }))).toBe('reason must be given once');
    expect(refusal(() => cancelReason(body(), { force: 'yes' }))).toBe('unknown query parameter force (allowed: reason)');
  });
});
