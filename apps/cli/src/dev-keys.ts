/**
 * Finds the development keys `npm start` writes to `.crux/dev-keys.json` (see
 * scripts/start/dev-keys.mjs, which owns the file's format), searching from the current
 * directory upwards the way git finds `.git`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Role } from '@crux/contracts';

export const DEV_KEYS_PATH = join('.crux', 'dev-keys.json');

export interface DevKey {
  name: string;
  role: Role;
  secret: string;
}

export interface FoundDevKey {
  key: DevKey;
  file: string;
}

/** The nearest `.crux/dev-keys.json` at or above `start`, or undefined. */
export function findDevKeysFile(start: string, exists: (path: string) => boolean): string | undefined {
  let dir = start;
  for (;;) {
    const candidate = join(dir, DEV_KEYS_PATH);
    if (exists(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Reads the file's keys; a file that is not what `npm start` writes yields a clear error. */
export function parseDevKeys(text: string, file: string): DevKey[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not valid JSON`);
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new Error(`${file} has no "keys" list`);
  return keys.filter(
    (key): key is DevKey =>
      !!key && typeof key.name === 'string' && typeof key.role === 'string' && typeof key.secret === 'string' && key.secret !== '',
  );
}

/** The development key with `role` from the nearest keys file, if there is one. */
export function findDevKey(start: string, role: Role, fs: DevKeysFs): FoundDevKey | undefined {
  const file = findDevKeysFile(start, fs.exists);
  if (!file) return undefined;
  const key = parseDevKeys(fs.read(file), file).find((candidate) => candidate.role === role);
  return key ? { key, file } : undefined;
}

export interface DevKeysFs {
  exists(path: string): boolean;
  read(path: string): string;
}

export const realDevKeysFs: DevKeysFs = {
  exists: (path) => existsSync(path),
  read: (path) => readFileSync(path, 'utf8'),
};
