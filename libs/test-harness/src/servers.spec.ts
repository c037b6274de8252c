import { describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { startRedis } from './servers.js';

describe('private servers', () => {
  it('starts a Redis of its own that survives a crash and restart on the same port', async () => {
    const redis = await startRedis();
    try {
      const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await client.connect();
      expect(await client.ping()).toBe('PONG');
      client.disconnect();
      await redis.crash();
      expect(redis.process.running).toBe(false);
      await redis.restart();
      const again = new Redis(redis.url);
      expect(await again.ping()).toBe('PONG');
      again.disconnect();
    } finally {
      await redis.stop();
    }
  });
});
