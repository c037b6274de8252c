import { type Settings, StreamName } from '@crux/contracts';
import { isNotFound, type JetStreamManager } from '@crux/messaging';
import { parseJobEvent, planUpdate, type PlannedUpdate } from '../domain/index.js';
import type { ProjectorFence } from '../redis/fenced-scripts.js';
import type { ApplyOutcome, JobWriter } from '../redis/job-writer.js';

/** What a sweep needs of the projector that runs it. */
export interface SweepContext {
  writer: JobWriter;
  jsm: JetStreamManager;
  settings: Settings;
  logger: { log(message: string): void; warn(message: string): void; error(message: string): void };
  /** The epoch the projector writes under. */
  fence: ProjectorFence | undefined;
  /** True once the projector stops or is fenced out: the sweep ends early. */
  halted(): boolean;
  /** An event Redis answered for (counted like any applied event). */
  answered(plan: PlannedUpdate, outcome: ApplyOutcome): void;
  /** One that failed again. */
  failedAgain(): void;
}

/**
 * Applies the lifecycle events set aside (jobs:set-aside) through the projector's own fenced
 * path, in stream order, and forgets each once Redis answered for it (applied, stale or
 * ignored). One that fails again stays, and the later ones of its job with it; one gone from
 * JOBS (retention) is dropped. Answers the jobs that still have events set aside.
 */
export async function sweepSetAside(ctx: SweepContext): Promise<Set<string>> {
  const entries = await ctx.writer.setAside.list();
  const blocked = new Set<string>();
  const answered: number[] = [];
  try {
    for (const { seq, entry } of entries) {
      if (ctx.halted() || (entry && blocked.has(entry.job_id))) continue;
      const plan = await setAsidePlan(ctx, seq);
      if (!plan) {
        answered.push(seq);
        continue;
      }
      if (blocked.has(plan.jobId)) continue;
      const [outcome] = await ctx.writer.applyBatch([plan], ctx.fence);
      if (!outcome.ok) {
        blocked.add(plan.jobId);
        ctx.failedAgain();
        ctx.logger.warn(
          `set-aside ${plan.eventType} #${seq} of job ${plan.jobId} still fails (${outcome.error.message}); kept, with the later events of its job`,
        );
        continue;
      }
      ctx.answered(plan, outcome);
      answered.push(seq);
      ctx.logger.log(`applied the set-aside ${plan.eventType} #${seq} of job ${plan.jobId}`);
    }
  } finally {
    await ctx.writer.setAside.forget(answered);
  }
  const gone = new Set(answered);
  return new Set(entries.flatMap(({ seq, entry }) => (!gone.has(seq) && entry ? [entry.job_id] : [])));
}

/** The planned update of set-aside event `seq`, read from JOBS; null when gone (retention) or unreadable. */
async function setAsidePlan(ctx: SweepContext, seq: number): Promise<PlannedUpdate | null> {
  const msg = await ctx.jsm.streams.getMessage(StreamName.Jobs, { seq }).catch((error: unknown) => {
    if (isNotFound(error)) return null;
    throw error;
  });
  if (!msg || msg.seq !== seq) {
    ctx.logger.error(`set-aside JOBS event #${seq} is gone from JOBS (retention): dropping it; its job never gets it`);
    return null;
  }
  const parsed = parseJobEvent(msg.subject, msg.string());
  if (!parsed.ok) {
    ctx.logger.error(`set-aside JOBS message #${seq} is unreadable (${parsed.reason}): dropping it`);
    return null;
  }
  return planUpdate(parsed.event, seq, ctx.settings);
}
