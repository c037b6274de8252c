import type { ServerResponse } from 'node:http';

/**
 * Headers on every answer. The docs page is the only HTML: it has an inline stylesheet and no
 * script, so the policy allows exactly that. Nothing the API returns may be cached: answers
 * carry other owners' jobs behind a key, and a shared cache must not keep them.
 */
export const SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['Referrer-Policy', 'no-referrer'],
  ['Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"],
  ['Cache-Control', 'no-store'],
];

export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of SECURITY_HEADERS) res.setHeader(name, value);
}
