import { describe, expect, it } from '@jest/globals';
import { loadSettings, parseApiKeys, SettingsError } from './settings.js';

describe('settings', () => {
  it('has the documented defaults', () => {
    const s = loadSettings({});
    expect(s.httpPort).toBe(8000);
    expect(s.provider).toBe('simulated');
    expect(s.simulatedLatencyMs).toBe(200);
    expect(s.workerConcurrency).toBe(4);
    expect(s.revokeGraceMs).toBe(2000);
    expect([s.ttlActiveS, s.ttlCompletedS, s.ttlFailedS, s.ttlCancelledS]).toEqual([86400, 604800, 86400, 86400]);
    expect(s.archiveRetentionS).toBe(2592000);
  });

  it('names the setting when a value is wrong', () => {
    expect(() => loadSettings({ CRUX_HTTP_PORT: 'eighty' })).toThrow(/CRUX_HTTP_PORT/);
    expect(() => loadSettings({ CRUX_PROVIDER: 'magic' })).toThrow(SettingsError);
  });

  it('parses API keys and refuses unknown roles', () => {
    expect(parseApiKeys('alice:submitter:s3cret, ops:operator:a:b')).toEqual([
      { name: 'alice', role: 'submitter', secret: 's3cret' },
      { name: 'ops', role: 'operator', secret: 'a:b' },
    ]);
    expect(() => parseApiKeys('bob:admin:x')).toThrow(/roles are submitter, operator, auditor/);
  });
});
