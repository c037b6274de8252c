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

/** An error of Fastify's own (router, content type); `code` says which. */
interface FastifyError {
  code?: string;
  statusCode?: number;
}

const GENERIC_500 = 'internal error: the gateway could not handle this request (the details are in its log)';

/** Fastify's own refusals, in words a client can act on; null for the rest (their own message is used). */
function fastifyError(cause: FastifyError): ApiError | null {
  switch (cause.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return apiError(
        415,
        'Unsupported Media Type',
        'the Content-Type header is not a media type; send the body with Content-Type: application/json',
      );
    case 'FST_ERR_BAD_URL':
      return apiError(400, 'Bad Request', 'the URL is malformed (a bad percent-encoding)');
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
    const cause = exception.cause as FastifyError | undefined;
    const fromFastify = cause && typeof cause === 'object' ? fastifyError(cause) : null;
    if (fromFastify) return { body: fromFastify, unexpected: false };
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
