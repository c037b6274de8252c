/** The error body of every HTTP error, as in the original API. */
export interface ApiError {
  status_code: number;
  error: string;
  message: string;
  details?: unknown;
}

export function apiError(statusCode: number, error: string, message: string, details?: unknown): ApiError {
  return details === undefined ? { status_code: statusCode, error, message } : { status_code: statusCode, error, message, details };
}
