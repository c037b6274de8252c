import { RedisKeys, type JobEventType } from '@crux/contracts';
import type { Redis } from 'ioredis';
import { notAppliedRefusal, type PlannedUpdate } from '../domain/index.js';
import { ScriptCommand } from './commands.js';
import { fencedCall, type ProjectorFence } from './fenced-scripts.js';

/** One lifecycle event in the set-aside hash (RedisKeys.setAside), under its JOBS sequence. */
export interface SetAsideEntry {
  event_id: string;
  job_id: string;
  type: JobEventType;
  /** Why it was set aside: the Redis error, or the earlier event of its job set aside before it. */
  reason: string;
  /** When, ISO 8601. */
  at: string;
}

/** An event to set aside, and why. */
export interface SetAside {
  plan: PlannedUpdate;
  reason: string;
}

/**
 * The projector's events set aside (set-aside.lua): a lifecycle event is kept for the sweeper
 * to apply later; a command is refused (RefusalReason.NotApplied), its refusal kept like any
 * other, and is done with.
 */
export class SetAsideStore {
  constructor(
    private readonly redis: Redis,
    private readonly refusalRetentionS: number,
  ) {}

  /**
   * Sets `events` aside in one round trip, each under `fence` (the lease holder's epoch).
   * Throws when Redis did not take every one of them (a retry writes the same again): the
   * `FENCED …` error itself when another replica took the lease over.
   */
  async put(events: readonly SetAside[], fence: ProjectorFence | undefined): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const { plan, reason } of events) {
      const args = this.scriptArgs(plan, reason);
      const call = fence ? fencedCall(ScriptCommand.SetAside, args, fence) : { command: ScriptCommand.SetAside, args };
      pipeline[call.command](...call.args);
    }
    const replies = await pipeline.exec();
    if (!replies) throw new Error(`setting aside ${events.length} events was aborted`);
    const failed = replies.find(([error]) => error);
    if (failed) throw failed[0] as Error;
  }

  /** The lifecycle events set aside, lowest sequence first; an unreadable entry comes with `entry` null. */
  async list(): Promise<{ seq: number; entry: SetAsideEntry | null }[]> {
    const all = await this.redis.hgetall(RedisKeys.setAside);
    return Object.entries(all)
      .map(([seq, json]) => ({ seq: Number(seq), entry: parseEntry(json) }))
      .sort((a, b) => a.seq - b.seq);
  }

  /** Done with these: applied (or stale, or ignored) since, or gone from JOBS. */
  async forget(seqs: readonly number[]): Promise<void> {
    if (seqs.length > 0) await this.redis.hdel(RedisKeys.setAside, ...seqs.map(String));
  }

  private scriptArgs(plan: PlannedUpdate, reason: string): string[] {
    const seq = String(plan.seq);
    const refusal = notAppliedRefusal(plan, reason);
    if (!refusal) {
      const entry: SetAsideEntry = {
        event_id: plan.eventId,
        job_id: plan.jobId,
        type: plan.eventType,
        reason,
        at: new Date().toISOString(),
      };
      return ['1', RedisKeys.setAside, seq, JSON.stringify(entry), '', ''];
    }
    const keys = [RedisKeys.setAside, RedisKeys.refusal(plan.eventId)];
    if (plan.kind === 'delete' && plan.planId) keys.push(RedisKeys.purgePlan(plan.planId));
    return [String(keys.length), ...keys, seq, '', JSON.stringify(refusal), String(this.refusalRetentionS)];
  }
}

function parseEntry(json: string): SetAsideEntry | null {
  try {
    const entry = JSON.parse(json) as Partial<SetAsideEntry> | null;
    return entry && typeof entry.job_id === 'string' ? (entry as SetAsideEntry) : null;
  } catch {
    return null;
  }
}
