import { readFileSync } from 'node:fs';
import { parseApiKeyFile, type HashedApiKey, type Settings } from '@crux/contracts';
import { ApiKeyConfigError, ApiKeyRegistry } from './api-key-registry.js';

/** Shorter plain secrets are guessable enough that production refuses them. */
export const MIN_PRODUCTION_SECRET_LENGTH = 24;

/**
 * The gateway's keys: CRUX_API_KEYS and/or CRUX_API_KEYS_FILE. In production (NODE_ENV=production)
 * it refuses to go on without keys or with a plain secret shorter than 24 characters. Errors name
 * the key and the setting, never a secret.
 */
export function loadApiKeys(settings: Settings, readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): ApiKeyRegistry {
  let hashed: HashedApiKey[] = [];
  if (settings.apiKeysFile) {
    let text: string;
    try {
      text = readFile(settings.apiKeysFile);
    } catch (error) {
      throw new ApiKeyConfigError(
        `CRUX_API_KEYS_FILE ${settings.apiKeysFile} cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
    hashed = parseApiKeyFile(text, `CRUX_API_KEYS_FILE ${settings.apiKeysFile}`);
  }
  if (settings.production) {
    const short = settings.apiKeys.filter((key) => key.secret.length < MIN_PRODUCTION_SECRET_LENGTH).map((key) => `'${key.name}'`);
    if (short.length > 0) {
      throw new ApiKeyConfigError(
        `NODE_ENV is production and CRUX_API_KEYS gives ${short.join(', ')} a secret shorter than ${MIN_PRODUCTION_SECRET_LENGTH} characters; ` +
          'use long random secrets, or CRUX_API_KEYS_FILE with `npx crux keys add`',
      );
    }
  }
  return new ApiKeyRegistry(settings.apiKeys, hashed);
}
