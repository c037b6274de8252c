import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiKeyRegistry } from '../auth/api-key-registry.js';
import { authorize } from '../auth/authorize.js';
import type { Principal } from '../auth/principal.js';
import { ApiHttpError } from '../errors/api-http-error.js';
import { isClosing } from '../http/lingering-close.js';
import type { CruxRouteConfig } from '../http/route-config.js';
import type { RouteTable } from '../http/route-table.js';
import { UNMATCHED_ROUTE, type MetricsService } from '../metrics/metrics.service.js';
import { RateLimiter } from './rate-limiter.js';
import { setSecurityHeaders } from './security-headers.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller, set by the edge hook on every route that is not public. */
    principal: Principal | null;
  }
}

export interface EdgeDeps {
  keys: ApiKeyRegistry;
  limiter: RateLimiter;
  metrics: MetricsService;
  routes: RouteTable;
}

/**
 * The front of every request, in one Fastify `onRequest` hook — before Fastify reads a body:
 * the security headers, the request metrics, then who is calling and whether their role may
 * use the route (401, 429, 403). Only then does the body parser run (http/json-body.ts), so
 * a refused caller's body is never read.
 */
export function installEdgeHooks(fastify: FastifyInstance, deps: EdgeDeps): void {
  fastify.decorateRequest('principal', null);

  // Access is granted on purpose, never by omission: a route that declares neither fails the start.
  fastify.addHook('onRoute', (route) => {
    const access = (route.config as CruxRouteConfig | undefined)?.access;
    if (!access) {
      throw new Error(`route ${String(route.method)} ${route.url} declares neither @Roles() nor @Public()`);
    }
    for (const method of [route.method].flat()) deps.routes.routes.push({ method, url: route.url, access });
  });

  fastify.addHook('onRequest', (request, reply, done) => {
    if (isClosing(request.raw.socket)) {
      // Sent behind a refusal on a connection that is closing: neither processed nor answered.
      reply.hijack();
      done();
      return;
    }
    // Fastify builds a new object on every read of `routeOptions`: read it once.
    const route = request.routeOptions;
    const config = route.config as CruxRouteConfig;
    const res = reply.raw;
    setSecurityHeaders(res, config.contentSecurityPolicy);
    // Monotonic like hrtime, without allocating two BigInts per request.
    const start = performance.now();
    // `close`, not `finish`: a stream the client leaves is counted too. `is404` is read then:
    // a request Nest sends to the not-found handler after this hook counts as unmatched.
    // `on`, not `once`: a response closes once, and `once` wraps the listener on every request.
    res.on('close', () => {
      const label = request.is404 ? UNMATCHED_ROUTE : (route.url ?? UNMATCHED_ROUTE);
      deps.metrics.observeRequest(request.method, label, res.statusCode, (performance.now() - start) / 1000);
    });
    const access = config.access;
    if (request.is404 || !access || 'public' in access) {
      done();
      return;
    }
    try {
      request.principal = authorize(deps.keys, authorizationOf(request), access.roles, deps.limiter);
      done();
    } catch (error) {
      done(error as Error);
    }
  });
}

/**
 * The Authorization header, refusing two of them: Node keeps the first and drops the rest,
 * so a proxy adding its own would silently decide who the caller is.
 */
function authorizationOf(request: FastifyRequest): string | undefined {
  if (countAuthorization(request.raw) > 1) {
    throw new ApiHttpError(400, 'the request has more than one Authorization header; send exactly one: Authorization: Bearer <api key>');
  }
  return request.headers.authorization;
}

function countAuthorization(req: IncomingMessage): number {
  const raw = req.rawHeaders;
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length === 13 && raw[i].toLowerCase() === 'authorization') count++;
  }
  return count;
}
