/**
 * API keys for `npm start`. CRUX_API_KEYS wins when set; otherwise development keys are
 * created once, kept in `.crux/dev-keys.json` (mode 0600) and reused, so keys a developer
 * copied keep working across restarts. The `crux` CLI reads this file (apps/cli/src/dev-keys.ts)
 * when CRUX_API_KEY is unset: this module owns the format.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { StartError } from './errors.mjs';

export const DEV_KEYS_FILE = join('.crux', 'dev-keys.json');

/** @typedef {'submitter' | 'operator' | 'auditor'} Role */
/** @typedef {{ name: string, role: Role, secret: string }} ApiKey */
/**
 * @typedef {object} ResolvedKeys
 * @property {'env' | 'created' | 'reused'} source
 * @property {string} setting the value to pass as CRUX_API_KEYS
 * @property {ApiKey[]} keys the keys, when npm start knows them (not printed when they came from the environment)
 * @property {string} [file]
 */

/** @type {ReadonlyArray<{ name: string, role: Role }>} */
export const DEV_KEY_PRINCIPALS = [
  { name: 'dev-submitter', role: 'submitter' },
  { name: 'dev-operator', role: 'operator' },
  { name: 'dev-auditor', role: 'auditor' },
];

/**
 * @param {string} root the checkout; the file lives in `<root>/.crux/`
 * @param {Record<string, string | undefined>} env
 * @returns {ResolvedKeys}
 */
export function resolveApiKeys(root, env) {
  const configured = env.CRUX_API_KEYS?.trim() ?? '';
  // A key file (hashed secrets) counts as configured keys too; the gateway reads it itself.
  if (configured || env.CRUX_API_KEYS_FILE?.trim()) return { source: 'env', setting: configured, keys: [] };
  if (env.NODE_ENV === 'production') {
    throw new StartError(
      'NODE_ENV is production and neither CRUX_API_KEYS nor CRUX_API_KEYS_FILE is set: production never runs on development keys.\n' +
        'Set CRUX_API_KEYS=name:role:secret,... (roles submitter, operator, auditor), or CRUX_API_KEYS_FILE (npx crux keys add).',
    );
  }
  const file = join(root, DEV_KEYS_FILE);
  if (existsSync(file)) {
    const keys = readDevKeys(file);
    // Keep the secrets private even if something loosened the mode since.
    chmodSync(file, 0o600);
    return { source: 'reused', setting: toApiKeysSetting(keys), keys, file };
  }
  const keys = DEV_KEY_PRINCIPALS.map(({ name, role }) => ({ name, role, secret: newSecret() }));
  writeDevKeys(file, keys);
  return { source: 'created', setting: toApiKeysSetting(keys), keys, file };
}

/**
 * @param {string} file
 * @returns {ApiKey[]}
 */
export function readDevKeys(file) {
  const invalid = (/** @type {string} */ why) => new StartError(`${file} ${why}. Delete it and npm start creates new development keys.`);
  let parsed;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw invalid('is not valid JSON');
  }
  const keys = parsed?.keys;
  if (!Array.isArray(keys)) throw invalid('has no "keys" list');
  for (const { role } of DEV_KEY_PRINCIPALS) {
    const key = keys.find((candidate) => candidate?.role === role);
    if (!key || typeof key.name !== 'string' || typeof key.secret !== 'string' || !/^[\w-]+$/.test(key.secret)) {
      throw invalid(`has no usable ${role} key`);
    }
  }
  return keys.map(({ name, role, secret }) => ({ name, role, secret }));
}

/**
 * @param {string} file
 * @param {ApiKey[]} keys
 */
function writeDevKeys(file, keys) {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const body = {
    note: 'Development API keys written by `npm start`. Never use them in production.',
    created_at: new Date().toISOString(),
    keys,
  };
  // Written beside the target and renamed, so a crash never leaves half a file to be "reused".
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
  chmodSync(file, 0o600);
}

/** URL-safe, so it needs no quoting in a shell or in CRUX_API_KEYS (which splits on ',' and ':'). */
function newSecret() {
  return `crux_dev_${randomBytes(24).toString('base64url')}`;
}

/**
 * @param {ApiKey[]} keys
 * @returns {string}
 */
export function toApiKeysSetting(keys) {
  return keys.map(({ name, role, secret }) => `${name}:${role}:${secret}`).join(',');
}
