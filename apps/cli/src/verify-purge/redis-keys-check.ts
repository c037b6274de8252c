/**
 * Reads Redis directly for `verify-purge` when REDIS_URL is set: the API saying a job is
 * gone is one thing, its key being gone is the proof. Loaded lazily (ioredis and the key
 * names from @crux/contracts), so no other command pays for it.
 */
import type { Redis } from 'ioredis';
import { CliError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';

export interface LiveKeyCheck {
  /** Where it looks, without credentials, for messages. */
  readonly where: string;
  /** The Redis key of the job's live state, and whether it exists. */
  jobKey(jobId: string): Promise<{ key: string; exists: boolean }>;
  close(): Promise<void>;
}

export async function openLiveKeyCheck(url: string): Promise<LiveKeyCheck> {
  const where = withoutCredentials(url);
  const [{ Redis: RedisClient }, { RedisKeys }] = await Promise.all([import('ioredis'), import('@crux/contracts')]);
  let redis: Redis;
  try {
    // One attempt, no offline queue: a verification must not hang on a Redis that is not there.
    redis = new RedisClient(url, {
      lazyConnect: true,
      connectTimeout: 5000,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
      connectionName: 'crux-cli',
    });
  } catch (error) {
    throw new CliError(`REDIS_URL is not a Redis URL such as redis://127.0.0.1:6379, got '${where}'`, ExitCode.Usage, { cause: error });
  }
  // The socket's own error (ECONNREFUSED, …) says more than the "Connection is closed" connect() rejects with.
  let socketError: Error | undefined;
  redis.on('error', (error: Error) => (socketError ??= error));
  try {
    await redis.connect();
  } catch (error) {
    // No disconnect(): the client has already ended, and disconnecting now arms a timer that keeps the process alive.
    const why = socketError?.message || (error as Error).message;
    throw new CliError(`cannot reach Redis at ${where} (REDIS_URL) — ${why}`, ExitCode.Unreachable, { cause: socketError ?? error });
  }
  return {
    where,
    async jobKey(jobId) {
      const key = RedisKeys.job(jobId);
      return { key, exists: (await redis.exists(key)) > 0 };
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.href.replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//');
  }
}
