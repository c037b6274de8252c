import { STATUS_CODES } from 'node:http';
import { HttpException, NotFoundException } from '@nestjs/common';
import { apiError, type ApiError } from '@crux/contracts';
import { ServiceUnavailableError } from '@crux/messaging';
import { ApiHttpError } from './api-http-error.js';
import { ApiLinks } from '../http/api-paths.js';

export interface MappedError {
  body: ApiError;
  /** True for faults of the gateway itself, which deserve a log line; client errors do not. */
  unexpected: boolean;
}

export interface RequestLine {
  method: string;
  path: string;
}

/** The error body-parser attaches as `cause`; `type` says what went wrong with the body. */
interface BodyParserError {
  type?: string;
  limit?: number;
  message?: string;
}

const GENERIC_500 = 'internal error: the gateway could not handle this request (the details are in its log)';

function bodyParserError(cause: BodyParserError): ApiError | null {
  switch (cause.type) {
    case 'entity.parse.failed':
      return apiError(400, 'Bad Request', 'request body is not valid JSON');
    case 'entity.too.large':
      return apiError(
        413,
        'Payload Too Large',
        `request body is larger than the limit of ${cause.limit ?? 'the configured'} bytes (CRUX_MAX_BODY_BYTES)`,
      );
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return apiError(415, 'Unsupported Media Type', cause.message ?? 'unsupported body encoding');
    case 'request.aborted':
      return apiError(400, 'Bad Request', 'the request body was cut off before it was complete');
    case 'request.size.invalid':
      return apiError(400, 'Bad Request', 'the request body length does not match its Content-Length');
    default:
      return null;
  }
}

function messageOf(response: string | object): string | null {
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return null;
}

/** Turns anything thrown while serving a request into the public error shape. */
export function toApiError(exception: unknown, request: RequestLine): MappedError {
  if (exception instanceof ApiHttpError) {
    // 502/503/504 are answers the gateway chose on purpose; a 500 of its own is a fault worth a log line.
    return { body: exception.body, unexpected: exception.body.status_code === 500 && !exception.forwarded };
  }
  if (exception instanceof ServiceUnavailableError) {
    return {
      body: apiError(503, 'Service Unavailable', `the job state service is not answering (${exception.message}); try again shortly`),
      unexpected: false,
    };
  }
  if (exception instanceof HttpException) {
    const cause = exception.cause as BodyParserError | undefined;
    const fromBody = cause && typeof cause === 'object' ? bodyParserError(cause) : null;
    if (fromBody) return { body: fromBody, unexpected: false };
    const status = exception.getStatus();
    // The router's own 404 ("Cannot GET /x") for a path no controller serves.
    if (exception instanceof NotFoundException && /^Cannot [A-Z]+ /.test(messageOf(exception.getResponse()) ?? '')) {
      return {
        body: apiError(404, 'Not Found', `no route ${request.method} ${request.path}; the API is described at ${ApiLinks.docs}`),
        unexpected: false,
      };
    }
    if (status >= 500) return { body: apiError(status, STATUS_CODES[status] ?? 'Error', GENERIC_500), unexpected: true };
    return {
      body: apiError(status, STATUS_CODES[status] ?? 'Error', messageOf(exception.getResponse()) ?? exception.message),
      unexpected: false,
    };
  }
  return { body: apiError(500, 'Internal Server Error', GENERIC_500), unexpected: true };
}
