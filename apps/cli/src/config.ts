/**
 * Where the gateway is and which key to present: CRUX_URL and CRUX_API_KEY, falling back
 * to the development keys of `npm start` so a fresh checkout works with no setup.
 */
import type { Role } from '@crux/contracts';
import { findDevKey, realDevKeysFs, type DevKeysFs } from './dev-keys.js';
import { CliError } from './errors.js';
import { ExitCode } from './exit-codes.js';

export const DEFAULT_URL = 'http://127.0.0.1:8000';

export interface ClientConfig {
  baseUrl: string;
  apiKey: string | undefined;
  /** Where the key came from, for hints in error messages. */
  keySource: 'env' | 'dev-keys' | 'none';
  /** Set when a development key was used: a line for stderr saying so. */
  notice?: string;
}

export function resolveConfig(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
  role: Role = 'submitter',
  fs: DevKeysFs = realDevKeysFs,
): ClientConfig {
  const baseUrl = parseBaseUrl(env.CRUX_URL?.trim() || DEFAULT_URL);
  const fromEnv = env.CRUX_API_KEY?.trim();
  if (fromEnv) return { baseUrl, apiKey: fromEnv, keySource: 'env' };
  let found;
  try {
    found = findDevKey(cwd, role, fs);
  } catch (error) {
    throw new CliError(`CRUX_API_KEY is not set and ${(error as Error).message}`, ExitCode.Usage);
  }
  if (!found) return { baseUrl, apiKey: undefined, keySource: 'none' };
  return {
    baseUrl,
    apiKey: found.key.secret,
    keySource: 'dev-keys',
    notice: `CRUX_API_KEY is not set; using development key '${found.key.name}' (${found.key.role}) from ${found.file}`,
  };
}

function parseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`CRUX_URL must be a URL such as ${DEFAULT_URL}, got '${raw}'`, ExitCode.Usage);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`CRUX_URL must start with http:// or https://, got '${raw}'`, ExitCode.Usage);
  }
  return url.href.replace(/\/+$/, '');
}
