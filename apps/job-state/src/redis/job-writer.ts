import { isJobStatus, type JobStatus } from '@crux/contracts';
import type { Redis } from 'ioredis';
import type { PlannedUpdate } from '../domain/index.js';
import { toApplyCode, type ApplyCode } from './apply-code.js';
import { applyEventArgs } from './apply-event-args.js';
import { ScriptCommand } from './commands.js';

export type ApplyOutcome =
  | { ok: true; code: ApplyCode; previous: JobStatus | null }
  | { ok: false; error: Error };

function outcome(plan: PlannedUpdate, reply: unknown): ApplyOutcome {
  const { code, previous } = toApplyCode(ScriptCommand.ApplyEvent, plan.jobId, reply);
  return { ok: true, code, previous: isJobStatus(previous) ? previous : null };
}

/** Writes job events into Redis through apply-event-9.lua: the only way job state changes. */
export class JobWriter {
  constructor(private readonly redis: Redis) {}

  async apply(plan: PlannedUpdate): Promise<ApplyOutcome> {
    return outcome(plan, await this.redis.applyEvent(...applyEventArgs(plan)));
  }

  /**
   * Applies `plans` in order in one MULTI/EXEC: one round trip, and all-or-nothing when the
   * connection fails, so a retried batch never finds a later event applied before an
   * earlier one. Throws when the transaction did not run; a script error fails only its event.
   */
  async applyBatch(plans: readonly PlannedUpdate[]): Promise<ApplyOutcome[]> {
    const multi = this.redis.multi();
    for (const plan of plans) multi.applyEvent(...applyEventArgs(plan));
    const replies = await multi.exec();
    if (!replies) throw new Error(`the transaction applying ${plans.length} events was aborted`);
    return replies.map(([error, reply], i) => {
      if (error) return { ok: false, error };
      try {
        return outcome(plans[i], reply);
      } catch (e) {
        return { ok: false, error: e as Error };
      }
    });
  }
}
