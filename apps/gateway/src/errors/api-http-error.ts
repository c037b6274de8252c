import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
import { apiError, type ApiError } from '@crux/contracts';

/** An HTTP error whose body is already the public `{status_code, error, message}` shape. */
export class ApiHttpError extends HttpException {
  readonly body: ApiError;
  /** Chosen by another service (job-state) and passed through: its faults are logged there. */
  forwarded = false;
  /** Headers the answer carries besides the body (Retry-After on a 429). */
  headers?: Record<string, string>;

  constructor(statusCode: number, message: string, details?: unknown, options?: ErrorOptions) {
    const body = apiError(statusCode, STATUS_CODES[statusCode] ?? 'Error', message, details);
    super(body, statusCode, options);
    this.name = 'ApiHttpError';
    this.body = body;
  }

  /**
   * Passes an error job-state (or another service) chose straight through to the client,
   * with every field it carries: a 410 says when, why and by whom (GoneError).
   */
  static fromApiError(error: ApiError): ApiHttpError {
    const forwarded = new ApiHttpError(error.status_code, error.message, error.details);
    const {
      status_code: _status,
      error: reason,
      message: _message,
      details: _details,
      ...extra
    } = error as ApiError & Record<string, unknown>;
    Object.assign(forwarded.body, extra, typeof reason === 'string' && reason !== '' ? { error: reason } : {});
    forwarded.forwarded = true;
    return forwarded;
  }
}
