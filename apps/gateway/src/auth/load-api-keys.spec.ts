import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { loadSettings } from '@crux/contracts';
import { ApiKeyConfigError } from './api-key-registry.js';
import { loadApiKeys } from './load-api-keys.js';

const sha = (secret: string) => createHash('sha256').update(secret).digest('hex');
const LONG = 'l'.repeat(24);
const file = (text: string) => () => text;

describe('loadApiKeys', () => {
  it('accepts keys from the file, held as digests', () => {
    const settings = loadSettings({ CRUX_API_KEYS_FILE: '/keys' });
    const registry = loadApiKeys(settings, file(`# ops\nops:operator:${sha('file-secret')}\n`));
    expect(registry.authenticate('file-secret')).toEqual({ name: 'ops', role: 'operator' });
    expect(registry.authenticate(sha('file-secret'))).toBeNull();
  });

  it('accepts keys from both the file and CRUX_API_KEYS, refusing a name in both', () => {
    const settings = loadSettings({ CRUX_API_KEYS_FILE: '/keys', CRUX_API_KEYS: 'alice:submitter:alice-secret' });
    const registry = loadApiKeys(settings, file(`ops:operator:${sha('file-secret')}`));
    expect(registry.size).toBe(2);
    expect(registry.authenticate('alice-secret')?.name).toBe('alice');
    expect(() => loadApiKeys(settings, file(`alice:operator:${sha('x')}`))).toThrow(/names 'alice' twice/);
  });

  it('says when the file cannot be read', () => {
    const settings = loadSettings({ CRUX_API_KEYS_FILE: '/nope' });
    expect(() => loadApiKeys(settings)).toThrow('CRUX_API_KEYS_FILE /nope cannot be read: ENOENT');
  });

  it('refuses, in production, to start without keys', () => {
    expect(() => loadApiKeys(loadSettings({ NODE_ENV: 'production' }))).toThrow(ApiKeyConfigError);
  });

  it('refuses, in production, a plain secret shorter than 24 characters, naming the key and not the secret', () => {
    const settings = loadSettings({ NODE_ENV: 'production', CRUX_API_KEYS: `a:submitter:${LONG},b:operator:${'s'.repeat(23)}` });
    expect(() => loadApiKeys(settings)).toThrow(/production and CRUX_API_KEYS gives 'b' a secret shorter than 24/);
    expect(() => loadApiKeys(settings)).toThrow(expect.objectContaining({ message: expect.not.stringContaining('s'.repeat(23)) }));
  });

  it('accepts long secrets in production, and short ones in development', () => {
    expect(loadApiKeys(loadSettings({ NODE_ENV: 'production', CRUX_API_KEYS: `a:submitter:${LONG}` })).size).toBe(1);
    expect(loadApiKeys(loadSettings({ CRUX_API_KEYS: 'a:submitter:short' })).size).toBe(1);
  });
});
