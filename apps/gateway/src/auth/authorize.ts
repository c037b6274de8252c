import type { Role } from '@crux/contracts';
import { ApiHttpError } from '../errors/api-http-error.js';
import type { RateLimiter } from '../edge/rate-limiter.js';
import { bearerToken, type ApiKeyRegistry } from './api-key-registry.js';
import type { Principal } from './principal.js';

/**
 * Who is calling, from the Authorization header, and whether their role may use a route
 * that admits `roles`. Throws the 401, 429 or 403 the client gets (the edge hook calls it
 * for every route that is not public). Every authenticated request counts against
 * its key's rate limit, whether or not the role admits it.
 */
export function authorize(
  keys: ApiKeyRegistry,
  authorization: string | undefined,
  roles: readonly Role[],
  limiter?: RateLimiter,
): Principal {
  const token = bearerToken(authorization);
  if (token === null) {
    throw new ApiHttpError(401, 'missing API key: send the header Authorization: Bearer <api key>');
  }
  const principal = keys.authenticate(token);
  if (!principal) throw new ApiHttpError(401, 'API key not recognised');
  const retryAfterS = limiter ? limiter.take(principal.name) : 0;
  if (retryAfterS > 0) {
    const error = new ApiHttpError(
      429,
      `the API key '${principal.name}' is over its rate limit of ${limiter!.perSecond} requests per second (burst ${limiter!.burst}); retry after ${retryAfterS} s`,
      { retry_after_s: retryAfterS },
    );
    error.headers = { 'Retry-After': String(retryAfterS) };
    throw error;
  }
  if (!roles.includes(principal.role)) {
    throw new ApiHttpError(
      403,
      `this route needs the ${roles.join(' or ')} role; the API key '${principal.name}' has the ${principal.role} role`,
    );
  }
  return principal;
}
