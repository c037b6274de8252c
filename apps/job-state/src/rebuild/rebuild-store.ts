import { RebuildStatus, RebuildTrigger, RedisKeys, type RebuildProgress } from '@crux/contracts';
import type { Redis } from 'ioredis';

const NUMBERS = ['events_read', 'events_total', 'jobs_restored', 'jobs_deleted'] as const;
const NULLABLE = ['finished_at', 'reason', 'error'] as const;

/** A progress as a Redis hash: strings only, '' for null. */
export function toProgressHash(p: RebuildProgress): Record<string, string> {
  const hash: Record<string, string> = {};
  for (const [field, value] of Object.entries(p)) hash[field] = value === null ? '' : String(value);
  return hash;
}

/** Reads a progress hash back; null when there is none or it is not one. */
export function fromProgressHash(hash: Record<string, string>): RebuildProgress | null {
  const statuses: readonly string[] = Object.values(RebuildStatus);
  const triggers: readonly string[] = Object.values(RebuildTrigger);
  if (!hash.rebuild_id || !statuses.includes(hash.status) || !triggers.includes(hash.trigger)) return null;
  const progress = {
    rebuild_id: hash.rebuild_id,
    status: hash.status as RebuildStatus,
    trigger: hash.trigger as RebuildTrigger,
    started_at: hash.started_at ?? '',
    actor: hash.actor ?? '',
  } as RebuildProgress;
  for (const field of NUMBERS) progress[field] = Number(hash[field]) || 0;
  for (const field of NULLABLE) progress[field] = hash[field] ? hash[field] : null;
  return progress;
}

/** The rebuild's own keys: its progress, its lease, and the projection's sentinel. */
export class RebuildStore {
  constructor(private readonly redis: Redis) {}

  /** Whether Redis still holds the projection's sentinel (it is gone after FLUSHALL or a restart without persistence). */
  async hasSentinel(): Promise<boolean> {
    return (await this.redis.exists(RedisKeys.projection)) === 1;
  }

  /** Marks the projection complete: a fresh one (nothing in JOBS), or one a rebuild just finished. */
  async markComplete(epoch: string, rebuildId: string | null): Promise<void> {
    await this.redis.hset(RedisKeys.projection, { epoch, built_at: new Date().toISOString(), rebuild_id: rebuildId ?? '' });
  }

  async save(progress: RebuildProgress): Promise<void> {
    await this.redis.hset(RedisKeys.rebuild, toProgressHash(progress));
  }

  async read(): Promise<RebuildProgress | null> {
    return fromProgressHash(await this.redis.hgetall(RedisKeys.rebuild));
  }

  /** True once this replica holds the rebuild lease; false while another replica rebuilds. */
  async lease(rebuildId: string, ms: number): Promise<boolean> {
    return (await this.redis.set(RedisKeys.rebuildLease, rebuildId, 'PX', ms, 'NX')) === 'OK';
  }

  /** Extends the lease, unless it went to another rebuild meanwhile (then false). */
  async renew(rebuildId: string, ms: number): Promise<boolean> {
    if ((await this.redis.get(RedisKeys.rebuildLease)) !== rebuildId) return false;
    await this.redis.set(RedisKeys.rebuildLease, rebuildId, 'PX', ms);
    return true;
  }

  async release(rebuildId: string): Promise<void> {
    if ((await this.redis.get(RedisKeys.rebuildLease)) === rebuildId) await this.redis.del(RedisKeys.rebuildLease);
  }
}
