import { fileURLToPath } from 'node:url';

/**
 * The built child entry, resolved from the package root: this file sits one folder below
 * the root both as source (src/pool) and as built code (dist/pool), so the same relative
 * path works under Jest (which reads source) and in production.
 */
export function defaultChildPath(): string {
  return fileURLToPath(new URL('../../dist/pool/child-main.js', import.meta.url));
}
