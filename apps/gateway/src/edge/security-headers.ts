import type { ServerResponse } from 'node:http';
import { RoutePart, type ClassOrMethodDecorator } from '../http/route-config.js';

/**
 * The API's policy: the docs page is its only HTML, with an inline stylesheet and no script,
 * so the policy allows exactly that.
 */
export const API_CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Headers on every answer. Nothing the API returns may be cached: answers carry other
 * owners' jobs behind a key, and a shared cache must not keep them.
 */
export const SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['Referrer-Policy', 'no-referrer'],
  ['Cache-Control', 'no-store'],
];

/**
 * Set on the raw response when the request arrives, so every answer carries them: errors,
 * 404s and streams written straight to the socket included. A handler may still set another
 * value on its reply (Fastify's reply headers win).
 */
export function setSecurityHeaders(res: ServerResponse, contentSecurityPolicy: string = API_CONTENT_SECURITY_POLICY): void {
  for (const [name, value] of SECURITY_HEADERS) res.setHeader(name, value);
  res.setHeader('Content-Security-Policy', contentSecurityPolicy);
}

/**
 * A Content-Security-Policy of its own for a route or a controller (a browser page that needs
 * more than the API's policy allows, e.g. scripts of its own origin); every other route keeps
 * the API's. Applies to everything the route answers, its errors included.
 */
export const ContentSecurityPolicy = (policy: string): ClassOrMethodDecorator => RoutePart('contentSecurityPolicy', policy);
