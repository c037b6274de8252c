import { RedisKeys } from '@crux/contracts';
import type { Redis } from 'ioredis';
import { JOB_HASH_FIELDS, jobHashFromFields, type JobHash } from '../domain/index.js';

/**
 * The jobs' hashes exactly as Redis stores them, in one pipeline, in the order asked; null
 * where there is no job. Raw strings only: a purge hashes and references them as they are
 * and parses nothing.
 */
export async function readStoredJobs(redis: Redis, jobIds: readonly string[]): Promise<(JobHash | null)[]> {
  if (jobIds.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const id of jobIds) pipeline.hmget(RedisKeys.job(id), ...JOB_HASH_FIELDS);
  const replies = (await pipeline.exec()) ?? [];
  return jobIds.map((id, i) => {
    const [error, values] = replies[i] ?? [new Error(`no reply for job ${id}`), null];
    if (error) throw error;
    return jobHashFromFields(values as (string | null)[]);
  });
}
