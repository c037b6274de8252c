import type { Redis } from 'ioredis';
import { RedisKeys } from '@crux/contracts';
import { comesAfter, fromJobHash, ttlFromRedis, type ListPosition } from '../domain/index.js';
import type { JobView } from '@crux/contracts';
import { removeIndexEntriesArgs } from './apply-event-args.js';

export interface IndexEntry {
  id: string;
  score: number;
}

function entries(withScores: string[]): IndexEntry[] {
  const out: IndexEntry[] = [];
  for (let i = 0; i < withScores.length; i += 2) out.push({ id: withScores[i], score: Number(withScores[i + 1]) });
  return out;
}

/** Reads job state for queries; never changes a job (its only write drops stale index entries). */
export class JobReader {
  constructor(private readonly redis: Redis) {}

  /** The job and its remaining TTL, read together; null when there is no key. */
  async read(jobId: string): Promise<JobView | null> {
    const key = RedisKeys.job(jobId);
    const replies = await this.redis.multi().hgetall(key).ttl(key).exec();
    if (!replies) throw new Error(`reading job ${jobId} was aborted`);
    const [[hashError, hash], [ttlError, ttl]] = replies;
    if (hashError) throw hashError;
    if (ttlError) throw ttlError;
    return fromJobHash(hash as Record<string, string>, ttlFromRedis(ttl as number));
  }

  /** Several jobs in one round trip, in the order asked; null where the key is gone. */
  async readMany(jobIds: readonly string[]): Promise<(JobView | null)[]> {
    if (jobIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of jobIds) pipeline.hgetall(RedisKeys.job(id)).ttl(RedisKeys.job(id));
    const replies = (await pipeline.exec()) ?? [];
    return jobIds.map((id, i) => {
      const [hashError, hash] = replies[2 * i] ?? [new Error('no reply'), null];
      const [ttlError, ttl] = replies[2 * i + 1] ?? [new Error('no reply'), null];
      if (hashError) throw hashError;
      if (ttlError) throw ttlError;
      return fromJobHash(hash as Record<string, string>, ttlFromRedis(ttl as number));
    });
  }

  /**
   * Up to about `count` entries of `index` that come after `position`, newest first. Ties on
   * the score (jobs created in the same millisecond) are walked by id, so a page boundary
   * inside a tie neither repeats nor skips a job. `done` is true once the index is exhausted.
   */
  async entriesAfter(index: string, position: ListPosition | null, count: number): Promise<{ entries: IndexEntry[]; done: boolean }> {
    if (position === null) {
      const page = entries(await this.redis.zrange(index, '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, count, 'WITHSCORES'));
      return { entries: page, done: page.length < count };
    }
    const score = String(position.score);
    const replies = await this.redis
      .pipeline()
      .zrange(index, score, score, 'BYSCORE', 'REV', 'WITHSCORES')
      .zrange(index, `(${score}`, '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, count, 'WITHSCORES')
      .exec();
    const [[tieError, tie], [restError, rest]] = replies ?? [[new Error('no reply'), []], [null, []]];
    if (tieError) throw tieError;
    if (restError) throw restError;
    const sameScore = entries(tie as string[]).filter((e) => comesAfter(e.score, e.id, position));
    const older = entries(rest as string[]);
    return { entries: [...sameScore, ...older], done: older.length < count };
  }

  /** Drops index entries of jobs whose key is gone (checked atomically per job). */
  async removeStaleEntries(listedIndex: string, jobIds: readonly string[]): Promise<number> {
    if (jobIds.length === 0) return 0;
    const pipeline = this.redis.pipeline();
    for (const id of jobIds) pipeline.removeIndexEntries(...removeIndexEntriesArgs(id, listedIndex));
    const replies = (await pipeline.exec()) ?? [];
    return replies.filter(([error, removed]) => !error && removed === 1).length;
  }
}
