import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_URL, resolveConfig } from './config.js';
import { CliError } from './errors.js';

describe('resolveConfig', () => {
  let root: string;
  let deep: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'crux-cli-config-'));
    deep = join(root, 'project', 'a', 'b');
    mkdirSync(deep, { recursive: true });
    mkdirSync(join(root, 'project', '.crux'));
    writeFileSync(
      join(root, 'project', '.crux', 'dev-keys.json'),
      JSON.stringify({
        keys: [
          { name: 'dev-submitter', role: 'submitter', secret: 'sub-secret' },
          { name: 'dev-operator', role: 'operator', secret: 'op-secret' },
        ],
      }),
    );
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('uses CRUX_URL and CRUX_API_KEY when set, and says nothing', () => {
    expect(resolveConfig({ CRUX_URL: 'http://gw:9000/', CRUX_API_KEY: ' k1 ' }, deep)).toEqual({
      baseUrl: 'http://gw:9000',
      apiKey: 'k1',
      keySource: 'env',
    });
  });

  it('falls back to the development key of the role asked for, found from the current directory upwards, and says so', () => {
    const config = resolveConfig({}, deep);
    expect(config.baseUrl).toBe(DEFAULT_URL);
    expect(config.apiKey).toBe('sub-secret');
    expect(config.keySource).toBe('dev-keys');
    expect(config.notice).toBe(
      `CRUX_API_KEY is not set; using development key 'dev-submitter' (submitter) from ${join(root, 'project', '.crux', 'dev-keys.json')}`,
    );
    expect(resolveConfig({}, deep, 'operator').apiKey).toBe('op-secret');
  });

  it('goes without a key when there is no keys file above', () => {
    expect(resolveConfig({}, root)).toEqual({ baseUrl: DEFAULT_URL, apiKey: undefined, keySource: 'none' });
  });

  it('names a keys file it cannot read', () => {
    const broken = join(root, 'broken');
    mkdirSync(join(broken, '.crux'), { recursive: true });
    writeFileSync(join(broken, '.crux', 'dev-keys.json'), '{not json');
    expect(() => resolveConfig({}, broken)).toThrow(
      `CRUX_API_KEY is not set and ${join(broken, '.crux', 'dev-keys.json')} is not valid JSON`,
    );
  });

  it('refuses a CRUX_URL that is not an http(s) URL', () => {
    expect(() => resolveConfig({ CRUX_URL: 'localhost:8000' }, root)).toThrow(CliError);
    expect(() => resolveConfig({ CRUX_URL: 'not a url' }, root)).toThrow(
      "CRUX_URL must be a URL such as http://127.0.0.1:8000, got 'not a url'",
    );
  });
});
