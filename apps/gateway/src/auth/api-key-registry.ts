import { hash, timingSafeEqual } from 'node:crypto';
import type { ApiKey, HashedApiKey } from '@crux/contracts';
import type { Principal } from './principal.js';

export class ApiKeyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiKeyConfigError';
  }
}

interface Entry {
  digest: Buffer;
  principal: Principal;
}

// One-shot hashing: about half the cost of createHash().update().digest() on the request path.
const sha256 = (text: string): Buffer => hash('sha256', text, 'buffer');

/**
 * The configured API keys, held as sha256 digests. A presented secret is hashed and compared
 * with every digest in constant time (equal-length digests, no early exit), so neither the
 * secret's length nor how much of it matches leaks through timing.
 */
export class ApiKeyRegistry {
  private readonly entries: Entry[];

  /** `keys` with plain secrets (CRUX_API_KEYS), `hashed` with digests only (CRUX_API_KEYS_FILE). */
  constructor(keys: readonly ApiKey[], hashed: readonly HashedApiKey[] = []) {
    if (keys.length + hashed.length === 0) {
      throw new ApiKeyConfigError(
        'no API keys are configured: set CRUX_API_KEYS to comma-separated name:role:secret entries ' +
          '(roles submitter, operator, auditor), or CRUX_API_KEYS_FILE to a file of name:role:sha256 lines ' +
          '(`npx crux keys add`); `npm start` creates development keys',
      );
    }
    const all = [
      ...keys.map((key) => ({ name: key.name, role: key.role, digest: sha256(key.secret) })),
      ...hashed.map((key) => ({ name: key.name, role: key.role, digest: Buffer.from(key.sha256, 'hex') })),
    ];
    const names = new Set<string>();
    const digests = new Set<string>();
    this.entries = all.map(({ name, role, digest }) => {
      if (names.has(name)) throw new ApiKeyConfigError(`CRUX_API_KEYS names '${name}' twice; each key needs its own name`);
      // Two keys with one secret would make the caller ambiguous.
      if (digests.has(digest.toString('hex')))
        throw new ApiKeyConfigError(`CRUX_API_KEYS gives key '${name}' a secret another key already uses`);
      names.add(name);
      digests.add(digest.toString('hex'));
      return { digest, principal: { name, role } };
    });
  }

  get size(): number {
    return this.entries.length;
  }

  authenticate(secret: string): Principal | null {
    const digest = sha256(secret);
    let found: Principal | null = null;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, digest) && found === null) found = entry.principal;
    }
    return found;
  }
}

/** The token of `Authorization: Bearer <token>`, or null when the header is missing or another scheme. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match ? match[1] : null;
}
