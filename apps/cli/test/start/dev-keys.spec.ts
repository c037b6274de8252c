import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// eslint-disable-next-line @nx/enforce-module-boundaries -- scripts/start (npm start) is no Nx project; the cli project owns and tests it
import { DEV_KEYS_FILE, resolveApiKeys, toApiKeysSetting } from '../../../../scripts/start/dev-keys.mjs';
import { resolveConfig } from '../../src/config.js';
// eslint-disable-next-line @nx/enforce-module-boundaries -- tests may load the contracts eagerly; the rule keeps src/ to type-only imports (the CLI loads them lazily)
import { parseApiKeys } from '@crux/contracts';

describe('npm start: API keys', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'crux-start-keys-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('creates a submitter, an operator and an auditor key in .crux/dev-keys.json, readable only by the owner', () => {
    const resolved = resolveApiKeys(root, {});
    expect(resolved.source).toBe('created');
    expect(resolved.keys.map(({ name, role }) => [name, role])).toEqual([
      ['dev-submitter', 'submitter'],
      ['dev-operator', 'operator'],
      ['dev-auditor', 'auditor'],
    ]);
    expect(new Set(resolved.keys.map((key) => key.secret)).size).toBe(3);
    const file = join(root, DEV_KEYS_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).keys).toEqual(resolved.keys);
  });

  it('passes the services a CRUX_API_KEYS value their settings loader accepts', () => {
    const resolved = resolveApiKeys(root, {});
    expect(parseApiKeys(resolved.setting)).toEqual(resolved.keys);
    expect(toApiKeysSetting(resolved.keys)).toBe(resolved.setting);
  });

  it('reuses the keys on the next start, tightening the mode if it was loosened', () => {
    const first = resolveApiKeys(root, {});
    chmodSync(join(root, DEV_KEYS_FILE), 0o644);
    const second = resolveApiKeys(root, {});
    expect(second.source).toBe('reused');
    expect(second.keys).toEqual(first.keys);
    expect(statSync(join(root, DEV_KEYS_FILE)).mode & 0o777).toBe(0o600);
  });

  it('writes the file the crux CLI finds and uses when CRUX_API_KEY is unset', () => {
    const { keys } = resolveApiKeys(root, {});
    mkdirSync(join(root, 'apps', 'cli'), { recursive: true });
    const config = resolveConfig({}, join(root, 'apps', 'cli'));
    expect(config.apiKey).toBe(keys.find((key) => key.role === 'submitter')?.secret);
    expect(resolveConfig({}, root, 'operator').apiKey).toBe(keys.find((key) => key.role === 'operator')?.secret);
  });

  it('leaves CRUX_API_KEYS alone when it is set, and writes nothing', () => {
    const resolved = resolveApiKeys(root, { CRUX_API_KEYS: 'alice:submitter:s3cret', NODE_ENV: 'production' });
    expect(resolved).toEqual({ source: 'env', setting: 'alice:submitter:s3cret', keys: [] });
    expect(() => statSync(join(root, DEV_KEYS_FILE))).toThrow();
  });

  it('refuses to create development keys in production', () => {
    expect(() => resolveApiKeys(root, { NODE_ENV: 'production' })).toThrow(
      /NODE_ENV is production and neither CRUX_API_KEYS nor CRUX_API_KEYS_FILE is set/,
    );
  });

  it('takes a key file of hashed secrets as configured keys, in production too', () => {
    expect(resolveApiKeys(root, { CRUX_API_KEYS_FILE: '/etc/crux/api-keys', NODE_ENV: 'production' })).toEqual({
      source: 'env',
      setting: '',
      keys: [],
    });
    expect(() => statSync(join(root, DEV_KEYS_FILE))).toThrow();
  });

  it('refuses a damaged keys file rather than silently replacing keys someone may be using', () => {
    mkdirSync(join(root, '.crux'));
    writeFileSync(join(root, DEV_KEYS_FILE), JSON.stringify({ keys: [{ name: 'dev-submitter', role: 'submitter', secret: 'x' }] }));
    expect(() => resolveApiKeys(root, {})).toThrow(/has no usable operator key\. Delete it and npm start creates new development keys/);
  });
});
