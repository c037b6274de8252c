import { describe, expect, it } from '@jest/globals';
import { ApiError, UnreachableError } from './errors.js';
import { ExitCode } from './exit-codes.js';

describe('error lines', () => {
  it('reads the documented error body', () => {
    const error = ApiError.fromResponse(404, JSON.stringify({ status_code: 404, error: 'Not Found', message: 'job abc not found' }));
    expect(error.message).toBe('404 Not Found — job abc not found');
    expect(error.exitCode).toBe(ExitCode.NotFound);
  });

  it('copes with bodies of other shapes', () => {
    expect(
      ApiError.fromResponse(400, JSON.stringify({ message: ['question must be a string', 'n_iters must be a whole number'] })).message,
    ).toBe('400 Bad Request — question must be a string; n_iters must be a whole number');
    expect(ApiError.fromResponse(502, '<html>\n<body>Bad gateway</body>\n</html>').message).toBe(
      '502 Bad Gateway — <html> <body>Bad gateway</body> </html>',
    );
    expect(ApiError.fromResponse(503, '').message).toBe('503 Service Unavailable');
  });

  it('maps statuses to exit codes and adds a hint', () => {
    expect(ApiError.fromResponse(401, '', 'set CRUX_API_KEY').message).toBe('401 Unauthorized (set CRUX_API_KEY)');
    expect(ApiError.fromResponse(403, '').exitCode).toBe(ExitCode.NotAuthorised);
    expect(ApiError.fromResponse(410, '').exitCode).toBe(ExitCode.NotFound);
    expect(ApiError.fromResponse(409, '').exitCode).toBe(ExitCode.Refused);
    expect(ApiError.fromResponse(500, '').exitCode).toBe(ExitCode.GatewayError);
  });

  it('says to start the system when the gateway refuses connections', () => {
    expect(new UnreachableError('http://127.0.0.1:8000', 'ECONNREFUSED', 'connect ECONNREFUSED').message).toBe(
      'cannot reach the gateway at http://127.0.0.1:8000 — is it running? (npm start)',
    );
    expect(new UnreachableError('http://gw', 'ENOTFOUND', 'getaddrinfo ENOTFOUND gw').message).toBe(
      'cannot reach the gateway at http://gw — getaddrinfo ENOTFOUND gw',
    );
  });
});
