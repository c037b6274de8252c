import { RedisKeys } from '@crux/contracts';
import type { Redis } from 'ioredis';
import { JOB_HASH_FIELDS, storedJobFromFields, type StoredJob } from '../domain/index.js';

/**
 * The jobs as a purge needs them, in one pipeline, in the order asked; null where there is
 * no job. The fields come as raw bytes: the content is hashed as it arrives, and only the
 * few facts a deletion names are decoded.
 */
export async function readStoredJobs(redis: Redis, jobIds: readonly string[]): Promise<(StoredJob | null)[]> {
  if (jobIds.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const id of jobIds) pipeline.hmgetBuffer(RedisKeys.job(id), ...JOB_HASH_FIELDS);
  const replies = (await pipeline.exec()) ?? [];
  return jobIds.map((id, i) => {
    const [error, values] = replies[i] ?? [new Error(`no reply for job ${id}`), null];
    if (error) throw error;
    return storedJobFromFields(values as (Buffer | null)[]);
  });
}
