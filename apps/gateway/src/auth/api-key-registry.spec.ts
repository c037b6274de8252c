import { describe, expect, it } from '@jest/globals';
import { ApiKeyConfigError, ApiKeyRegistry, bearerToken } from './api-key-registry.js';

const keys = [
  { name: 'alice', role: 'submitter' as const, secret: 'alpha-secret' },
  { name: 'ops', role: 'operator' as const, secret: 'omega-secret' },
];

describe('ApiKeyRegistry', () => {
  it('finds the principal of a known secret', () => {
    const registry = new ApiKeyRegistry(keys);
    expect(registry.authenticate('alpha-secret')).toEqual({ name: 'alice', role: 'submitter' });
    expect(registry.authenticate('omega-secret')).toEqual({ name: 'ops', role: 'operator' });
  });

  it.each(['', 'alpha', 'alpha-secret ', 'ALPHA-SECRET', 'alpha-secretx', 'x'.repeat(10_000)])('knows nobody by %j', (secret) => {
    expect(new ApiKeyRegistry(keys).authenticate(secret)).toBeNull();
  });

  it('refuses to exist without keys, saying what to set', () => {
    expect(() => new ApiKeyRegistry([])).toThrow(ApiKeyConfigError);
    expect(() => new ApiKeyRegistry([])).toThrow(/set CRUX_API_KEYS/);
  });

  it('refuses duplicate names and shared secrets', () => {
    expect(() => new ApiKeyRegistry([...keys, { name: 'alice', role: 'auditor', secret: 'other' }])).toThrow(/names 'alice' twice/);
    expect(() => new ApiKeyRegistry([...keys, { name: 'eve', role: 'auditor', secret: 'alpha-secret' }])).toThrow(
      /secret another key already uses/,
    );
  });

  it('does not keep secrets in the clear', () => {
    const registry = new ApiKeyRegistry(keys);
    expect(JSON.stringify(registry)).not.toContain('alpha-secret');
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['Bearer   abc  ', 'abc'],
    ['Bearer a:b/c+=', 'a:b/c+='],
  ])('reads %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it.each([undefined, '', 'Bearer', 'Bearer ', 'Basic abc', 'abc', 'Bearer a b'])('finds no token in %j', (header) => {
    expect(bearerToken(header)).toBeNull();
  });
});
