import { describe, expect, it } from '@jest/globals';
import { excerpt, redact, REDACTED } from './openai-redact.js';

const KEY = 'sk-live-Zq8xKf93LmNpQr';

describe('redacting credentials from server text', () => {
  it('removes the configured key wherever it appears', () => {
    expect(redact(`bad key ${KEY}!`, [KEY])).toBe(`bad key ${REDACTED}!`);
    expect(redact(`token=${'x'.repeat(3)}${'abcd1234'}`, ['abcd1234'])).toBe(`token=xxx${REDACTED}`);
  });

  it('removes Authorization and bearer values, key-shaped tokens and api_key fields, even for a key it was not told about', () => {
    const echoed = `{"headers":{"Authorization":"Bearer other-secret-123"}} authorization: Basic dXNlcjpwYXNz bearer abc.def api_key=hunter22 "x-api-key": "k-9" Incorrect API key provided: sk-proj-12**********xyz.`;
    const out = redact(echoed);
    for (const secret of ['other-secret-123', 'dXNlcjpwYXNz', 'abc.def', 'hunter22', 'k-9', 'sk-proj-12'])
      expect(out).not.toContain(secret);
    expect(out).toContain('Incorrect API key provided');
  });

  it('leaves ordinary text alone', () => {
    expect(redact('The model is overloaded, try again later.', [KEY])).toBe('The model is overloaded, try again later.');
    expect(redact('a b c', ['b'])).toBe('a b c');
  });

  it('makes one short line, redacting before it cuts so no fragment of the key survives', () => {
    const long = `${'x '.repeat(95)}${KEY}${' y'.repeat(50)}`;
    const line = excerpt(`first\n\n  ${long}`, [KEY], 200);
    expect(line.length).toBeLessThanOrEqual(200);
    expect(line).not.toMatch(/\n/);
    expect(line).not.toContain(KEY.slice(0, 10));
    expect(line.endsWith('…')).toBe(true);
  });
});
