import { describe, expect, it } from '@jest/globals';
import { HttpException, NotFoundException } from '@nestjs/common';
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

  it("rewords Fastify's own refusals", () => {
    const cause = (code: string, statusCode: number) => Object.assign(new Error('x'), { name: 'FastifyError', code, statusCode });
    const media = new HttpException('Unsupported Media Type', 415, { cause: cause('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415) });
    expect(toApiError(media, line).body).toEqual({
      status_code: 415,
      error: 'Unsupported Media Type',
      message: 'the Content-Type header is not a media type; send the body with Content-Type: application/json',
    });
    const url = new HttpException("'/%zz' is not a valid url component", 400, { cause: cause('FST_ERR_BAD_URL', 400) });
    expect(toApiError(url, line).body.message).toBe('the URL is malformed (a bad percent-encoding)');
  });

  it("rewords the router's 404", () => {
    expect(toApiError(new NotFoundException('Cannot GET /x'), line).body).toEqual({
      status_code: 404,
      error: 'Not Found',
      message: 'no route GET /x; the API is described at /api/v1/docs',
    });
  });

  it('answers 503 when a service does not answer', () => {
    expect(toApiError(new ServiceUnavailableError('job.state.get', 300), line)).toMatchObject({
      body: { status_code: 503 },
      unexpected: false,
    });
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
