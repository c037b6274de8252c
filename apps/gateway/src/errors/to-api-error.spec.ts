import { describe, expect, it } from '@jest/globals';
import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { ServiceUnavailableError } from '@crux/messaging';
import { ApiHttpError } from './api-http-error.js';
import { toApiError } from './to-api-error.js';

const line = { method: 'GET', path: '/x' };

describe('toApiError', () => {
  it('keeps an ApiHttpError as it is', () => {
    expect(toApiError(new ApiHttpError(409, 'busy', { a: 1 }), line)).toEqual({
      body: { status_code: 409, error: 'Conflict', message: 'busy', details: { a: 1 } },
      unexpected: false,
    });
  });

  it('maps body-parser failures to clear messages', () => {
    const parse = new BadRequestException('Unexpected token', { cause: Object.assign(new SyntaxError('x'), { type: 'entity.parse.failed' }) });
    expect(toApiError(parse, line).body).toEqual({ status_code: 400, error: 'Bad Request', message: 'request body is not valid JSON' });
    const large = new HttpException('too large', 413, { cause: { type: 'entity.too.large', limit: 1024 } });
    expect(toApiError(large, line).body.message).toBe('request body is larger than the limit of 1024 bytes (CRUX_MAX_BODY_BYTES)');
  });

  it("rewords the router's 404", () => {
    expect(toApiError(new NotFoundException('Cannot GET /x'), line).body).toEqual({
      status_code: 404,
      error: 'Not Found',
      message: 'no route GET /x; the API is described at /api/v1/docs',
    });
  });

  it('answers 503 when a service does not answer', () => {
    expect(toApiError(new ServiceUnavailableError('job.state.get'), line)).toMatchObject({ body: { status_code: 503 }, unexpected: false });
  });

  it('hides the details of an unexpected error and marks it for the log', () => {
    const mapped = toApiError(new TypeError('cannot read properties of undefined (reading secret)'), line);
    expect(mapped.unexpected).toBe(true);
    expect(mapped.body.status_code).toBe(500);
    expect(mapped.body.message).not.toContain('secret');
  });

  it('does not log a 500 another service chose and the gateway passed on', () => {
    const forwarded = ApiHttpError.fromApiError({ status_code: 500, error: 'Internal Server Error', message: 'state failed' });
    expect(toApiError(forwarded, line)).toMatchObject({ body: { status_code: 500, message: 'state failed' }, unexpected: false });
  });
});
