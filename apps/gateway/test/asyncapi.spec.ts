import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { asyncApiDocument } from '../src/docs/asyncapi.js';
import { startTestGateway, startTestNats, type Gateway, type TestNats } from './support/gateway-fixture.js';

describe('GET /api/v1/asyncapi.json', () => {
  let nats: TestNats;
  let gateway: Gateway;

  beforeAll(async () => {
    nats = await startTestNats();
    gateway = await startTestGateway(nats.server.url);
  });

  afterAll(async () => {
    await gateway?.close();
    await nats?.close();
  });

  it('serves the AsyncAPI document to anyone, without a key', async () => {
    const answer = await gateway.request('/api/v1/asyncapi.json', { key: null });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual(JSON.parse(JSON.stringify(asyncApiDocument())));
  });
});
