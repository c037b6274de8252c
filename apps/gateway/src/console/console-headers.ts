/**
 * How the console's files are answered: their content types, how long a browser may keep
 * them, and the page's Content-Security-Policy. The policy is the API's strict one plus
 * exactly what the console's own bundle needs: its scripts, stylesheet, icon and API calls
 * from this origin, nothing inline and nothing from anywhere else.
 */
export const CONSOLE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The page itself is asked for again every time (it names the current build's assets);
 * the assets carry a content hash in their names, so a name never changes content and a
 * browser may keep them for good.
 */
export const PAGE_CACHE_CONTROL = 'no-cache';
export const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

/** The content type of a built file, or null for a kind the console does not ship. */
export function contentTypeOf(fileName: string): string | null {
  const dot = fileName.lastIndexOf('.');
  return dot === -1 ? null : (CONTENT_TYPES[fileName.slice(dot).toLowerCase()] ?? null);
}

/** The names a build writes to the assets folder (the OpenAPI document gives the same pattern). */
export const ASSET_NAME_PATTERN = '^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$';
const ASSET_NAME = new RegExp(ASSET_NAME_PATTERN);

/**
 * Whether a requested asset name is one a build could have written to the flat assets
 * folder: letters, digits, dot, dash and underscore, not starting with a dot. Anything else
 * (a path, `..`, an encoded slash) is refused before the file system is asked.
 */
export function isAssetName(name: string): boolean {
  return ASSET_NAME.test(name) && !name.includes('..');
}
