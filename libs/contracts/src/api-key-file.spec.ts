import { describe, expect, it } from '@jest/globals';
import { formatApiKeyLine, parseApiKeyFile } from './api-key-file.js';
import { SettingsError } from './settings.js';

const DIGEST = 'a'.repeat(64);

describe('parseApiKeyFile', () => {
  it('reads name:role:sha256 lines, skipping comments and blank lines', () => {
    const text = `# keys\n\nalice:submitter:${DIGEST}\r\n  ops:operator:${'B'.repeat(64)}  \n`;
    expect(parseApiKeyFile(text)).toEqual([
      { name: 'alice', role: 'submitter', sha256: DIGEST },
      { name: 'ops', role: 'operator', sha256: 'b'.repeat(64) },
    ]);
  });

  it('round-trips a formatted line', () => {
    const key = { name: 'a.b-c_1', role: 'auditor' as const, sha256: DIGEST };
    expect(parseApiKeyFile(formatApiKeyLine(key))).toEqual([key]);
  });

  it.each([
    ['alice:submitter', /line 1 must be name:role:sha256hex/],
    [`alice:admin:${DIGEST}`, /role 'admin'/],
    ['alice:submitter:plain-secret-value', /not the secret itself/],
    [`bad name:submitter:${DIGEST}`, /invalid name/],
    [`a:submitter:${DIGEST}:x`, /must be name:role:sha256hex/],
  ])('refuses %j', (text, message) => {
    expect(() => parseApiKeyFile(text)).toThrow(SettingsError);
    expect(() => parseApiKeyFile(text)).toThrow(message);
  });

  it('never echoes a line that might be a pasted secret', () => {
    expect(() => parseApiKeyFile('alice:submitter:hunter2-very-secret')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });
});
