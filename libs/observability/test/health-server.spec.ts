/**
 * The health port against real NATS and Redis: ready while both answer, 503 naming the one
 * that stopped, live as long as the NATS connection is open.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { connectNats, closeNats, type NatsConnection } from '@crux/messaging';
import { startNats, startRedis, waitFor, type TestServer } from '@crux/test-harness';
import { natsAnswers, natsOpen, redisAnswers, serveHealth, startHealthServer, type HealthServer } from '../src/index.js';

async function get(url: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('health port with real NATS and Redis', () => {
  let nats: TestServer;
  let redisServer: TestServer;
  let nc: NatsConnection;
  let redis: Redis;
  let health: HealthServer;

  beforeAll(async () => {
    [nats, redisServer] = [await startNats(), await startRedis()];
    nc = await connectNats({ url: nats.url, name: 'health-test' });
    redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
    health = await startHealthServer({
      port: 0,
      host: '127.0.0.1',
      live: { nats: natsOpen(nc) },
      ready: { nats: natsAnswers(nc), redis: redisAnswers(redis) },
    });
  });

  afterAll(async () => {
    await health?.close();
    redis?.disconnect();
    await closeNats(nc);
    await nats?.stop();
    await redisServer?.stop();
  });

  it('answers live and ready while NATS and Redis answer', async () => {
    expect(await get(`${health.url}/healthz`)).toEqual({ status: 200, body: { status: 'ok', checks: { nats: 'ok' } } });
    expect(await get(`${health.url}/readyz`)).toEqual({ status: 200, body: { status: 'ok', checks: { nats: 'ok', redis: 'ok' } } });
  });

  it('refuses other paths and methods with a message saying what it serves', async () => {
    expect(await get(`${health.url}/metrics`)).toEqual({
      status: 404,
      body: { status_code: 404, error: 'Not Found', message: 'no /metrics here: this port serves GET /healthz and GET /readyz' },
    });
    expect((await get(`${health.url}/readyz`, { method: 'POST' })).status).toBe(405);
  });

  it('is not ready, naming Redis, while Redis is down, and ready again once it is back; still live', async () => {
    await redisServer.crash();
    await waitFor(async () => (await get(`${health.url}/readyz`)).status === 503, { what: 'readyz to fail' });
    const down = await get(`${health.url}/readyz`);
    expect(down.body).toMatchObject({
      status: 'failing',
      checks: { nats: 'ok', redis: expect.stringMatching(/^Redis (is not connected|does not answer)/) },
    });
    expect((await get(`${health.url}/healthz`)).status).toBe(200);
    await redisServer.restart();
    await waitFor(async () => (await get(`${health.url}/readyz`)).status === 200, { what: 'readyz to recover' });
  });

  it('is not ready, naming NATS, while NATS is down; not live once the connection is closed', async () => {
    await nats.crash();
    await waitFor(async () => (await get(`${health.url}/readyz`)).status === 503, { what: 'readyz to fail' });
    expect((await get(`${health.url}/readyz`)).body).toMatchObject({
      checks: { nats: expect.stringMatching(/^NATS does not answer/), redis: 'ok' },
    });
    expect((await get(`${health.url}/healthz`)).status).toBe(200);
    await nats.restart();
    await waitFor(async () => (await get(`${health.url}/readyz`)).status === 200, { what: 'readyz to recover after NATS is back' });
    await nc.close();
    expect(await get(`${health.url}/healthz`)).toEqual({
      status: 503,
      body: { status: 'failing', checks: { nats: 'the NATS connection is closed' } },
    });
  });

  it('opens no port when CRUX_HEALTH_PORT is unset', async () => {
    expect(await serveHealth({ healthPort: null, httpHost: '127.0.0.1' }, { live: {}, ready: {} })).toBeUndefined();
  });
});
