import type { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { defineScripts } from './commands.js';

export interface RedisConnectOptions {
  url: string;
  /** Shows in CLIENT LIST. */
  name: string;
  logger: Logger;
}

/**
 * A client with the job-state scripts defined. Waits for Redis however long it takes to
 * answer (a service started before its Redis simply waits), logging once per outage.
 * Commands fail after a few reconnect attempts instead of queueing forever, so callers
 * see an outage and decide (the projector retries in place, queries answer an error).
 */
export async function connectRedis({ url, name, logger }: RedisConnectOptions): Promise<Redis> {
  const redis = new Redis(url, { connectionName: name, maxRetriesPerRequest: 3 });
  defineScripts(redis);
  let down = false;
  redis.on('error', (error: Error) => {
    if (!down) logger.warn(`Redis ${name}: ${error.message}; reconnecting`);
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.log(`Redis ${name} is back`);
    down = false;
  });
  if (redis.status !== 'ready') await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  return redis;
}

/** Quits politely, or drops the connection when Redis is not there to answer; safe twice. */
export async function closeRedis(redis: Redis | undefined): Promise<void> {
  if (!redis || redis.status === 'end') return;
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  await redis.quit().catch(() => redis.disconnect());
}
