import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@crux/test-harness';
import { Keys, startTestGateway, startTestNats, type Gateway, type KeyName, type TestNats } from './support/gateway-fixture.js';
import { openSse, type SseConnection } from './support/sse-reader.js';

describe('open event streams are capped per key and per gateway', () => {
  let nats: TestNats;
  let gateway: Gateway;
  const open: SseConnection[] = [];

  const submit = async (key: KeyName): Promise<string> => {
    const answer = await gateway.request('/api/v1/solve/basic', { key, body: { question: 'stream me' } });
    expect(answer.status).toBe(202);
    return answer.json.job_id;
  };
  const follow = async (key: KeyName, jobId: string) => {
    const sse = await openSse(`${gateway.url}/api/v1/jobs/${jobId}/events`, { authorization: `Bearer ${Keys[key]}` });
    open.push(sse);
    return sse;
  };

  beforeAll(async () => {
    nats = await startTestNats();
    gateway = await startTestGateway(nats.server.url, { CRUX_SSE_MAX_STREAMS_PER_KEY: '2', CRUX_SSE_MAX_STREAMS: '3' });
  });

  afterAll(async () => {
    for (const sse of open) sse.close();
    await gateway?.close();
    await nats?.close();
  });

  it('refuses a key its third stream with 429 and Retry-After, another key the gateway-wide fourth with 503, and lets a key in again once one closes', async () => {
    const alicesJob = await submit('alice');
    const bobsJob = await submit('bob');
    const first = await follow('alice', alicesJob);
    await follow('alice', alicesJob);
    expect(first.status).toBe(200);

    const third = await follow('alice', alicesJob);
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('5');
    const perKey = JSON.parse(await third.text());
    expect(perKey.message).toBe(
      "the API key 'alice' already has 2 event streams open on this gateway (CRUX_SSE_MAX_STREAMS_PER_KEY); close one, or retry after 5 s",
    );

    expect((await follow('bob', bobsJob)).status).toBe(200);
    const overall = await follow('bob', bobsJob);
    expect(overall.status).toBe(503);
    expect(overall.headers.get('retry-after')).toBe('5');
    expect(JSON.parse(await overall.text()).message).toBe(
      'this gateway already has 3 event streams open (CRUX_SSE_MAX_STREAMS); retry after 5 s',
    );

    // A stream the client closes gives its slot back.
    first.close();
    await waitFor(
      async () => {
        const again = await follow('alice', alicesJob);
        if (again.status === 200) return true;
        again.close();
        return false;
      },
      { what: "alice's slot back after she closed a stream", timeoutMs: 20_000 },
    );
  });
});
