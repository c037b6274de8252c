import type { IncomingMessage, ServerResponse } from 'node:http';
import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { sendJson } from '../http/send-json.js';
import { ApiHttpError } from './api-http-error.js';
import { toApiError } from './to-api-error.js';

/**
 * The one place an error becomes an HTTP answer: every error response is
 * `{status_code, error, message}` (+ details), whichever layer threw it — router, body
 * parser, guard, pipe or handler.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Gateway');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<IncomingMessage & { originalUrl?: string }>();
    const res = http.getResponse<ServerResponse>();
    const path = (req.originalUrl ?? req.url ?? '').split('?')[0];
    const { body, unexpected } = toApiError(exception, { method: req.method ?? 'GET', path });
    if (unexpected) {
      // The request line only: headers can hold API keys.
      this.logger.error(`${req.method} ${path} failed: ${describe(exception)}`, (exception as Error)?.stack);
    }
    if (res.headersSent) {
      // A stream (SSE) already started: the status is gone, all that is left is to end it.
      res.end();
      return;
    }
    const headers: Record<string, string> = body.status_code === 401 ? { 'WWW-Authenticate': 'Bearer realm="crux"' } : {};
    if (exception instanceof ApiHttpError && exception.headers) Object.assign(headers, exception.headers);
    sendJson(res, body.status_code, body, headers);
  }
}

function describe(exception: unknown): string {
  return exception instanceof Error ? `${exception.name}: ${exception.message}` : String(exception);
}
