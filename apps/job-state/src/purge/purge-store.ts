import { isJobStatus, RedisKeys, type Actor } from '@crux/contracts';
import type { Redis } from 'ioredis';
import { createdBeforeMs, fromPlanHash, toPlanHash, type PurgeCandidate, type PurgeQuery, type StoredPlan } from '../domain/index.js';

const CHUNK = 1000;
/** What a plan's selection reads of each candidate, in read-fields.lua's order. */
const CANDIDATE_FIELDS = ['status', 'held', 'created_at'] as const;

/** The outcome of confirm-purge-1.lua. */
export const ConfirmCode = { Confirmed: 1, NotPlanned: -1, Expired: -2, NoPlan: -3 } as const;
export type ConfirmCode = (typeof ConfirmCode)[keyof typeof ConfirmCode];

export interface BatchCounts {
  deleted: number;
  skipped: number;
  failed: number;
}

/** Purge plans in Redis: the plan hash, its frozen id list, the running set and the executor's lease. */
export class PurgeStore {
  constructor(
    private readonly redis: Redis,
    /** Plans (and their id lists until done) are kept this long, for status and the record. */
    private readonly keepS: number,
  ) {}

  /**
   * The jobs a plan may include, read from the narrowest index the filters allow, with what
   * the selection needs from each hash (status, hold, creation time).
   */
  async candidates(query: PurgeQuery, nowMs: number): Promise<PurgeCandidate[]> {
    const before = createdBeforeMs(query, nowMs);
    const max = before === null ? '+inf' : `(${before}`;
    let ids: string[];
    if (query.jobIds) ids = query.jobIds;
    else if (query.statuses) {
      const lists = await Promise.all(query.statuses.map((s) => this.redis.zrange(RedisKeys.byStatus(s), '-inf', max, 'BYSCORE')));
      ids = lists.flat();
    } else ids = await this.redis.zrange(RedisKeys.byCreated, '-inf', max, 'BYSCORE');
    // One read-fields call per chunk, all in one pipeline: a value per field rather than a
    // reply per job to decode, and one round trip for the whole plan.
    const pipeline = this.redis.pipeline();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const keys = ids.slice(i, i + CHUNK).map((id) => RedisKeys.job(id));
      pipeline.readFields(keys.length, ...keys, ...CANDIDATE_FIELDS);
    }
    const replies = ids.length > 0 ? ((await pipeline.exec()) ?? []) : [];
    const out: PurgeCandidate[] = [];
    ids.forEach((id, i) => {
      const [error, values] = replies[Math.floor(i / CHUNK)] ?? [new Error('no reply'), null];
      if (error) throw error;
      const v = values as (string | null)[];
      const at = (i % CHUNK) * CANDIDATE_FIELDS.length;
      const [status, held, createdAt] = [v[at], v[at + 1], v[at + 2]];
      out.push({ id, status: isJobStatus(status) ? status : null, held: held === '1', createdMs: Date.parse(createdAt ?? '') || 0 });
    });
    return out;
  }

  /** Stores a new plan and freezes its ids, in one transaction. */
  async create(plan: StoredPlan, ids: readonly string[]): Promise<void> {
    const multi = this.redis.multi();
    multi.hset(RedisKeys.purgePlan(plan.planId), toPlanHash(plan));
    multi.expire(RedisKeys.purgePlan(plan.planId), this.keepS);
    for (let i = 0; i < ids.length; i += CHUNK) multi.rpush(RedisKeys.purgePlanIds(plan.planId), ...ids.slice(i, i + CHUNK));
    if (ids.length > 0) multi.expire(RedisKeys.purgePlanIds(plan.planId), this.keepS);
    await multi.exec();
  }

  async read(planId: string): Promise<StoredPlan | null> {
    return fromPlanHash(await this.redis.hgetall(RedisKeys.purgePlan(planId)));
  }

  /** planned → running, once (confirm-purge-1.lua); the plan joins the running set. */
  async confirm(planId: string, actor: Actor, nowMs: number): Promise<ConfirmCode> {
    const code = Number(await this.redis.confirmPurge(RedisKeys.purgePlan(planId), String(nowMs), JSON.stringify(actor))) as ConfirmCode;
    if (code === ConfirmCode.Confirmed) await this.redis.sadd(RedisKeys.purgesRunning, planId);
    return code;
  }

  ids(planId: string, from: number, count: number): Promise<string[]> {
    return this.redis.lrange(RedisKeys.purgePlanIds(planId), from, from + count - 1);
  }

  /**
   * Adds the counts of what was just done and moves the cursor past it, together (a resumed
   * purge starts after it), renewing the executor's lease in the same round trip. False when
   * another replica holds the lease now.
   */
  async recordProgress(planId: string, counts: BatchCounts, cursor: number, holder: string, leaseMs: number): Promise<boolean> {
    const key = RedisKeys.purgePlan(planId);
    const replies = await this.redis
      .multi()
      .hincrby(key, 'deleted', counts.deleted)
      .hincrby(key, 'skipped', counts.skipped)
      .hincrby(key, 'failed', counts.failed)
      .hset(key, 'cursor', String(cursor))
      .holdLease(RedisKeys.purgePlanLease(planId), holder, String(leaseMs))
      .exec();
    const [error, held] = replies?.[4] ?? [new Error('no reply'), 0];
    if (error) throw error;
    return Number(held) === 1;
  }

  async complete(planId: string): Promise<void> {
    await this.redis
      .multi()
      .hset(RedisKeys.purgePlan(planId), 'status', 'completed')
      .srem(RedisKeys.purgesRunning, planId)
      .del(RedisKeys.purgePlanIds(planId), RedisKeys.purgePlanLease(planId))
      .exec();
  }

  running(): Promise<string[]> {
    return this.redis.smembers(RedisKeys.purgesRunning);
  }

  /** Takes or renews the lease on executing a plan (hold-lease-1.lua); false when another replica has it. */
  async lease(planId: string, holder: string, ms: number): Promise<boolean> {
    return Number(await this.redis.holdLease(RedisKeys.purgePlanLease(planId), holder, String(ms))) === 1;
  }
}
