import { STATUS_CODES } from 'node:http';
import { ExitCode } from './exit-codes.js';

/**
 * An error the CLI reports as one line a person understands, with the exit code scripts
 * branch on. Anything else that escapes a command is a bug and is reported as such.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** A bad command line: the message names the command and ends with where to get help. */
export class UsageError extends CliError {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message, ExitCode.Usage);
    this.name = 'UsageError';
  }
}

/** The gateway could not be reached (refused, unknown host, reset, timed out). */
export class UnreachableError extends CliError {
  constructor(
    readonly baseUrl: string,
    readonly code: string | undefined,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(
      code === 'ECONNREFUSED'
        ? `cannot reach the gateway at ${baseUrl} — is it running? (npm start)`
        : `cannot reach the gateway at ${baseUrl} — ${detail}`,
      ExitCode.Unreachable,
      options,
    );
    this.name = 'UnreachableError';
  }
}

/** The gateway answered with an error body `{status_code, error, message}` (or something else non-2xx). */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly detail: string,
    readonly body: unknown,
    hint?: string,
  ) {
    super(`${status} ${error}${detail ? ` — ${detail}` : ''}${hint ? ` (${hint})` : ''}`, exitCodeForStatus(status));
    this.name = 'ApiError';
  }

  /** Builds the error from a response; tolerates bodies that are not the documented shape. */
  static fromResponse(status: number, rawBody: string, hint?: string): ApiError {
    let body: unknown = rawBody;
    try {
      body = rawBody ? JSON.parse(rawBody) : null;
    } catch {
      // Not JSON (a proxy's HTML page, say): show a short piece of it instead.
    }
    const record = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
    const error = typeof record?.error === 'string' && record.error ? record.error : (STATUS_CODES[status] ?? 'Error');
    const detail = record
      ? typeof record.message === 'string'
        ? record.message
        : Array.isArray(record.message)
          ? record.message.join('; ')
          : ''
      : oneLine(rawBody, 200);
    return new ApiError(status, error, detail, body, hint);
  }
}

export function exitCodeForStatus(status: number): ExitCode {
  if (status === 401 || status === 403) return ExitCode.NotAuthorised;
  if (status === 404 || status === 410) return ExitCode.NotFound;
  if (status >= 400 && status < 500) return ExitCode.Refused;
  return ExitCode.GatewayError;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Worth trying again: the gateway was unreachable or answered 5xx (used by commands that poll). */
export function isTransientError(error: unknown): boolean {
  return error instanceof CliError && (error.exitCode === ExitCode.Unreachable || error.exitCode === ExitCode.GatewayError);
}
