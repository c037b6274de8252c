import type { Redis } from 'ioredis';
import { isJobStatus, RedisKeys, type EventRefusal, type JobStatus, type JobView } from '@crux/contracts';
import { comesAfter, fromJobHash, snapshotOf, ttlFromDeadline, type ListPosition } from '../domain/index.js';

export interface IndexEntry {
  id: string;
  score: number;
}

/** Whether a job's key is there, and whether the indexes still think it lives. */
export interface KeyPresence {
  id: string;
  exists: boolean;
  /** Any index entry left (by_created, or a deadline in the expiry index). */
  indexed: boolean;
  /** Its deadline in the expiry index (ms), if any. */
  deadlineMs: number | null;
}

function entries(withScores: string[]): IndexEntry[] {
  const out: IndexEntry[] = [];
  for (let i = 0; i < withScores.length; i += 2) out.push({ id: withScores[i], score: Number(withScores[i + 1]) });
  return out;
}

type PipelineReplies = [Error | null, unknown][];

function reply<T>(replies: PipelineReplies | null, i: number): T {
  const [error, value] = replies?.[i] ?? [new Error('no reply'), null];
  if (error) throw error;
  return value as T;
}

const score = (value: string | null): number | null => (value === null ? null : Number(value));

/** Reads job state; never changes a job. */
export class JobReader {
  constructor(private readonly redis: Redis) {}

  /** The job and the seconds to its deadline, read together; null when there is no key. */
  async read(jobId: string): Promise<JobView | null> {
    return (await this.readMany([jobId]))[0];
  }

  /** Several jobs in one round trip, in the order asked; null where the key is gone. */
  async readMany(jobIds: readonly string[]): Promise<(JobView | null)[]> {
    if (jobIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of jobIds) pipeline.hgetall(RedisKeys.job(id)).zscore(RedisKeys.expiry, id);
    const replies = await pipeline.exec();
    const now = Date.now();
    return jobIds.map((_, i) => {
      const hash = reply<Record<string, string>>(replies, 2 * i);
      const deadline = score(reply<string | null>(replies, 2 * i + 1));
      return fromJobHash(hash, hash.held === '1' ? null : ttlFromDeadline(deadline, now));
    });
  }

  /** Only the status of each job, in one round trip, in the order asked; null where there is no job (as `read` finds none). */
  async statuses(jobIds: readonly string[]): Promise<(JobStatus | null)[]> {
    if (jobIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of jobIds) pipeline.hget(RedisKeys.job(id), 'status');
    const replies = await pipeline.exec();
    return jobIds.map((_, i) => {
      const status = reply<string | null>(replies, i);
      return isJobStatus(status) ? status : null;
    });
  }

  /** What a `deleted` event archives for each job: the view without TTL; null where the key is gone. */
  async snapshots(jobIds: readonly string[]): Promise<(JobView | null)[]> {
    if (jobIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of jobIds) pipeline.hgetall(RedisKeys.job(id));
    const replies = await pipeline.exec();
    return jobIds.map((_, i) => {
      const view = fromJobHash(reply<Record<string, string>>(replies, i));
      return view ? snapshotOf(view) : null;
    });
  }

  /** Ids of `index` scored at or before `nowMs` (deadlines due), oldest first. */
  async due(index: string, nowMs: number, limit: number): Promise<IndexEntry[]> {
    return entries(await this.redis.zrange(index, '-inf', String(nowMs), 'BYSCORE', 'LIMIT', 0, limit, 'WITHSCORES'));
  }

  /** A slice of the creation index by rank, oldest first (reconciliation walks it). */
  async createdSlice(start: number, count: number): Promise<string[]> {
    return this.redis.zrange(RedisKeys.byCreated, String(start), String(start + count - 1));
  }

  async presence(jobIds: readonly string[]): Promise<KeyPresence[]> {
    if (jobIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of jobIds) pipeline.exists(RedisKeys.job(id)).zscore(RedisKeys.byCreated, id).zscore(RedisKeys.expiry, id);
    const replies = await pipeline.exec();
    return jobIds.map((id, i) => {
      const deadlineMs = score(reply<string | null>(replies, 3 * i + 2));
      return {
        id,
        exists: reply<number>(replies, 3 * i) === 1,
        indexed: reply<string | null>(replies, 3 * i + 1) !== null || deadlineMs !== null,
        deadlineMs,
      };
    });
  }

  /** The projection's refusals of these events, by event id; an event absent was not refused (or not judged yet). */
  async refusals(eventIds: readonly string[]): Promise<Map<string, EventRefusal>> {
    const found = new Map<string, EventRefusal>();
    if (eventIds.length === 0) return found;
    const values = await this.redis.mget(eventIds.map((id) => RedisKeys.refusal(id)));
    values.forEach((value, i) => {
      if (value) found.set(eventIds[i], JSON.parse(value) as EventRefusal);
    });
    return found;
  }

  async hasTombstone(jobId: string): Promise<boolean> {
    return (await this.redis.exists(RedisKeys.tombstone(jobId))) === 1;
  }

  /** Redis's clock, which the scripts stamp deadlines with. */
  async nowMs(): Promise<number> {
    const [seconds, micros] = await this.redis.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
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
    const s = String(position.score);
    const replies = await this.redis
      .pipeline()
      .zrange(index, s, s, 'BYSCORE', 'REV', 'WITHSCORES')
      .zrange(index, `(${s}`, '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, count, 'WITHSCORES')
      .exec();
    const sameScore = entries(reply<string[]>(replies, 0)).filter((e) => comesAfter(e.score, e.id, position));
    const older = entries(reply<string[]>(replies, 1));
    return { entries: [...sameScore, ...older], done: older.length < count };
  }
}
