import { describe, expect, it } from '@jest/globals';
import { JobIdParam, SolveBasicRequest, SolveEnhancedRequest } from '@crux/contracts';
import { ApiHttpError } from '../errors/api-http-error.js';
import { dtoFields, validateDto } from './validate-dto.js';

function refusal(run: () => unknown): ApiHttpError {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiHttpError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('validateDto', () => {
  it('returns an instance holding exactly what was sent', () => {
    const value = validateDto(SolveBasicRequest, { question: 'q', n_iters: 4, async_mode: false });
    expect(value).toBeInstanceOf(SolveBasicRequest);
    expect(value).toMatchObject({ question: 'q', n_iters: 4, async_mode: false });
  });

  it('does not coerce types', () => {
    const error = refusal(() => validateDto(SolveBasicRequest, { question: 'q', n_iters: '4', temperature: '0.5', async_mode: 'true' }));
    expect(error.getStatus()).toBe(400);
    expect(error.body.message).toBe('n_iters must be a whole number; temperature must be a number; async_mode must be true or false');
  });

  it('reports one type problem per field rather than every rule it then breaks', () => {
    const error = refusal(() => validateDto(SolveBasicRequest, { question: 7 }));
    expect(error.body.message).toBe('question must be a string');
  });

  it('reports every broken range rule of a field of the right type', () => {
    const error = refusal(() => validateDto(SolveEnhancedRequest, { question: 'q', num_specialists: 0, professor_max_iters: 51 }));
    expect(error.body.message).toBe('num_specialists must not be less than 1; professor_max_iters must not be greater than 50');
  });

  it('names unknown fields and lists the allowed ones', () => {
    const error = refusal(() => validateDto(SolveBasicRequest, { question: 'q', qestion: 'typo' }));
    expect(error.body.message).toBe(
      'unknown field qestion (allowed: question, context, n_iters, temperature, model_name, llm_provider, async_mode, soft_time_limit_s, time_limit_s)',
    );
    expect(error.body.details).toMatchObject({ unknown_fields: ['qestion'] });
  });

  it('refuses keys that would reach the prototype, without touching it', () => {
    const body = JSON.parse('{"question":"q","__proto__":{"polluted":true},"constructor":{"name":"x"}}');
    const error = refusal(() => validateDto(SolveBasicRequest, body));
    expect(error.body.message).toContain('unknown fields __proto__, constructor');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    [undefined, 'request body must be a JSON object; send it with Content-Type: application/json'],
    [null, 'request body must be a JSON object'],
    [[{ question: 'q' }], 'request body must be a JSON object'],
    ['q', 'request body must be a JSON object'],
    [3, 'request body must be a JSON object'],
  ])('refuses a body of %j', (body, message) => {
    expect(refusal(() => validateDto(SolveBasicRequest, body)).body.message).toBe(message);
  });

  it('validates route params with the same rules', () => {
    expect(refusal(() => validateDto(JobIdParam, { id: '12' }, 'path parameters')).body.message).toBe('job id must be a UUID');
    expect(validateDto(JobIdParam, { id: '2f1e0c1a-8a7b-4c3d-9e8f-0a1b2c3d4e5f' }).id).toBe('2f1e0c1a-8a7b-4c3d-9e8f-0a1b2c3d4e5f');
  });

  it('lists the fields a DTO declares, inherited ones included', () => {
    expect(dtoFields(SolveEnhancedRequest)).toEqual(
      expect.arrayContaining([...dtoFields(SolveBasicRequest), 'num_specialists', 'reasoning_effort']),
    );
  });
});
