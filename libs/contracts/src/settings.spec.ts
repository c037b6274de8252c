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

  it('logs text for a person and JSON in production, at level log, with no health port unless one is set', () => {
    expect(loadSettings({})).toMatchObject({ logFormat: 'text', logLevel: 'log', healthPort: null });
    expect(loadSettings({ NODE_ENV: 'production', CRUX_API_KEYS: 'a:operator:s' }).logFormat).toBe('json');
    expect(loadSettings({ NODE_ENV: 'production', CRUX_LOG_FORMAT: 'text' }).logFormat).toBe('text');
    expect(loadSettings({ CRUX_LOG_LEVEL: 'debug', CRUX_HEALTH_PORT: '8081' })).toMatchObject({ logLevel: 'debug', healthPort: 8081 });
    expect(() => loadSettings({ CRUX_LOG_FORMAT: 'xml' })).toThrow("CRUX_LOG_FORMAT must be one of text, json, got 'xml'");
    expect(() => loadSettings({ CRUX_LOG_LEVEL: 'info' })).toThrow('CRUX_LOG_LEVEL must be one of fatal, error, warn, log, debug, verbose');
    expect(() => loadSettings({ CRUX_HEALTH_PORT: '70000' })).toThrow(/CRUX_HEALTH_PORT must be a whole number from 0 to 65535/);
  });

  it('parses API keys and refuses unknown roles', () => {
    expect(parseApiKeys('alice:submitter:s3cret, ops:operator:a:b')).toEqual([
      { name: 'alice', role: 'submitter', secret: 's3cret' },
      { name: 'ops', role: 'operator', secret: 'a:b' },
    ]);
    expect(() => parseApiKeys('bob:admin:x')).toThrow(/roles are submitter, operator, auditor/);
  });
});
