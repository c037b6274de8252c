import type { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { mergeNotifyFlags } from '../domain/index.js';

/**
 * Turns on the keyspace notifications that expiry and out-of-band deletion detection use,
 * keeping whatever else is on. A server that refuses CONFIG (managed Redis) is left as it
 * is: the expiry index sweep still finds what notifications would have.
 */
export async function enableKeyspaceNotifications(redis: Redis, logger: Logger): Promise<boolean> {
  try {
    const reply = (await redis.config('GET', 'notify-keyspace-events')) as string[];
    const current = reply?.[1] ?? '';
    const merged = mergeNotifyFlags(current);
    if (merged !== current) await redis.config('SET', 'notify-keyspace-events', merged);
    return true;
  } catch (error) {
    logger.warn(`could not enable keyspace notifications (${(error as Error).message}); relying on the expiry sweep`);
    return false;
  }
}
