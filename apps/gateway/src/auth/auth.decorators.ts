import type { Role } from '@crux/contracts';
import { RoutePart, type ClassOrMethodDecorator } from '../http/route-config.js';

/**
 * Who may call a route. It is read by the edge hook when the request arrives, before the
 * body is read (see edge/edge-hooks.ts), not by a Nest guard, which would run only after
 * Fastify had parsed the body. A route that declares neither is refused at start.
 */

/** The roles that may call a route (or every route of a controller that does not say otherwise). */
export const Roles = (...roles: Role[]): ClassOrMethodDecorator => RoutePart('access', { roles });

/** A route anyone may call without a key: health, metrics, the API description. */
export const Public = (): ClassOrMethodDecorator => RoutePart('access', { public: true });
