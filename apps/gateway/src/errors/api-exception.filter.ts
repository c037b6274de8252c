import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiHttpError } from './api-http-error.js';
import { toApiError } from './to-api-error.js';

/**
 * The one place an error becomes an HTTP answer: every error response is
 * `{status_code, error, message}` (+ details), whichever layer threw it — router, edge hook,
 * body parser, pipe or handler.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Gateway');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const method = request.method ?? 'GET';
    const path = (request.url ?? '').split('?')[0];
    const { body, unexpected } = toApiError(exception, { method, path });
    if (unexpected) {
      // The request line only: headers can hold API keys.
      this.logger.error(`${method} ${path} failed: ${describe(exception)}`, (exception as Error)?.stack);
    }
    if (reply.sent || reply.raw.headersSent) {
      // A stream (SSE) already started: the status is gone, all that is left is to end it.
      if (!reply.raw.writableEnded) reply.raw.end();
      return;
    }
    if (body.status_code === 401) reply.header('WWW-Authenticate', 'Bearer realm="crux"');
    if (exception instanceof ApiHttpError && exception.headers) reply.headers(exception.headers);
    // The rest of an oversized body is not worth reading: close once the 413 is sent, instead of draining it.
    if (body.status_code === 413) reply.header('Connection', 'close');
    reply.code(body.status_code).type('application/json; charset=utf-8').send(JSON.stringify(body));
  }
}

function describe(exception: unknown): string {
  return exception instanceof Error ? `${exception.name}: ${exception.message}` : String(exception);
}
