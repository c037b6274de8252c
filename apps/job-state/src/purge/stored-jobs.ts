import { RedisKeys } from '@crux/contracts';
import type { Redis } from 'ioredis';
import { JOB_HASH_FIELDS, storedJobFromFrame, type StoredJob } from '../domain/index.js';

/** Jobs per read-jobs call: a call runs alone in Redis, so a long list is read in several. */
const JOBS_PER_CALL = 500;

/**
 * The jobs as a purge needs them, in one pipeline, in the order asked; null where there is
 * no job. Each job comes back as one framed string of its raw bytes (lua/read-jobs.lua):
 * one reply to decode per job instead of one per field, its content hashed in one update,
 * and only the few facts a deletion names decoded.
 */
export async function readStoredJobs(redis: Redis, jobIds: readonly string[]): Promise<(StoredJob | null)[]> {
  if (jobIds.length === 0) return [];
  const pipeline = redis.pipeline();
  for (let i = 0; i < jobIds.length; i += JOBS_PER_CALL) {
    const keys = jobIds.slice(i, i + JOBS_PER_CALL).map((id) => RedisKeys.job(id));
    pipeline.readJobsBuffer(keys.length, ...keys, ...JOB_HASH_FIELDS);
  }
  const replies = (await pipeline.exec()) ?? [];
  const jobs: (StoredJob | null)[] = [];
  for (let c = 0; c * JOBS_PER_CALL < jobIds.length; c++) {
    const [error, records] = replies[c] ?? [new Error(`no reply for jobs ${c * JOBS_PER_CALL}…`), null];
    if (error) throw error;
    for (const record of records as Buffer[]) jobs.push(storedJobFromFrame(record));
  }
  if (jobs.length !== jobIds.length) throw new Error(`read ${jobs.length} jobs for ${jobIds.length} ids`);
  return jobs;
}
