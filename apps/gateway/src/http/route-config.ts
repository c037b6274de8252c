import { PATH_METADATA } from '@nestjs/common/constants.js';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants.js';
import type { Role } from '@crux/contracts';

/**
 * What the edge hooks need to know about a route before its body is read, carried in the
 * Fastify route's `config` (Nest copies a handler's FASTIFY_ROUTE_CONFIG_METADATA into it).
 */
export interface CruxRouteConfig {
  /** Who may call it: see auth.decorators.ts. */
  access?: { readonly public: true } | { readonly roles: readonly Role[] };
  /** A Content-Security-Policy of its own, instead of the API's strict one. */
  contentSecurityPolicy?: string;
}

export type ClassOrMethodDecorator = ClassDecorator & MethodDecorator;

/**
 * Sets part of the route config on a handler, or on every route handler of a controller
 * (where a handler's own setting wins: method decorators run before the class decorator).
 */
export function RoutePart<K extends keyof CruxRouteConfig>(key: K, value: NonNullable<CruxRouteConfig[K]>): ClassOrMethodDecorator {
  const decorate = (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor): void => {
    if (descriptor) {
      set(descriptor.value as object, key, value, true);
      return;
    }
    const prototype = (target as { prototype: Record<string, unknown> }).prototype;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = prototype[name];
      if (name !== 'constructor' && typeof handler === 'function' && Reflect.hasMetadata(PATH_METADATA, handler))
        set(handler, key, value, false);
    }
  };
  return decorate as ClassOrMethodDecorator;
}

function set<K extends keyof CruxRouteConfig>(handler: object, key: K, value: CruxRouteConfig[K], override: boolean): void {
  const config = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) ?? {}) as CruxRouteConfig;
  if (config[key] !== undefined && !override) return;
  Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...config, [key]: value }, handler);
}
