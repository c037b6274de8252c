/**
 * The CRUX_API_KEYS_FILE format: one key per line, `name:role:sha256hex`, where the hex is
 * the sha256 digest of the secret, so the file holds no secret. Blank lines and lines
 * starting with `#` are ignored. The gateway reads it; `crux keys add` writes it.
 */
import { ROLES, type Role } from './actor.js';
import { SettingsError } from './settings.js';

export interface HashedApiKey {
  name: string;
  role: Role;
  /** sha256 of the secret, 64 lowercase hex digits. */
  sha256: string;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
/** A name is a principal and an actor id: no separators, no whitespace. */
export const API_KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Parses the file's text; `source` names it in errors. Never echoes a line (it might hold a pasted secret). */
export function parseApiKeyFile(text: string, source = 'CRUX_API_KEYS_FILE'): HashedApiKey[] {
  const keys: HashedApiKey[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${source} line ${index + 1}`;
    const parts = line.split(':');
    if (parts.length !== 3) throw new SettingsError(`${where} must be name:role:sha256hex`);
    const [name, role, digest] = parts;
    if (!API_KEY_NAME.test(name)) throw new SettingsError(`${where} has an invalid name (letters, digits, . _ -; at most 64)`);
    if (!(ROLES as readonly string[]).includes(role))
      throw new SettingsError(`${where} (key '${name}') has role '${role}'; roles are ${ROLES.join(', ')}`);
    const sha256 = digest.toLowerCase();
    if (!SHA256_HEX.test(sha256)) {
      throw new SettingsError(`${where} (key '${name}') must end in the sha256 of the secret as 64 hex digits, not the secret itself`);
    }
    keys.push({ name, role: role as Role, sha256 });
  });
  return keys;
}

export function formatApiKeyLine(key: HashedApiKey): string {
  return `${key.name}:${key.role}:${key.sha256}`;
}
