import { describe, expect, it } from '@jest/globals';
import { loadSettings } from './settings.js';

describe('gateway HTTP limits', () => {
  it('has defaults that fit an API: 10 s for headers, 30 s for a whole request, 5 s keep-alive, 20 event streams per key, 1000 in all', () => {
    const s = loadSettings({});
    expect([s.httpHeadersTimeoutMs, s.httpRequestTimeoutMs, s.httpKeepAliveTimeoutMs]).toEqual([10_000, 30_000, 5000]);
    expect([s.sseMaxStreamsPerKey, s.sseMaxStreams]).toEqual([20, 1000]);
  });

  it('refuses a headers timeout above the request timeout, naming both', () => {
    expect(() => loadSettings({ CRUX_HTTP_HEADERS_TIMEOUT_MS: '5000', CRUX_HTTP_REQUEST_TIMEOUT_MS: '1000' })).toThrow(
      'CRUX_HTTP_HEADERS_TIMEOUT_MS (5000) must not be above CRUX_HTTP_REQUEST_TIMEOUT_MS (1000)',
    );
  });

  it('refuses a cap of no streams at all', () => {
    expect(() => loadSettings({ CRUX_SSE_MAX_STREAMS_PER_KEY: '0' })).toThrow('CRUX_SSE_MAX_STREAMS_PER_KEY must be a whole number from 1');
  });
});
