import { isJobStatus, RedisKeys, type EventRefusal, type JobStatus } from '@crux/contracts';
import { ReplyError, type Redis } from 'ioredis';
import { refusalOf, type PlannedUpdate } from '../domain/index.js';
import { ApplyCode, toApplyCode } from './apply-code.js';
import { groupScriptCalls, type GroupedCall, type ScriptCall, type ScriptSettings } from './apply-event-args.js';
import { fencedCall, isFencedError, type FencedCommand, type ProjectorFence } from './fenced-scripts.js';
import { SetAsideStore } from './set-aside-store.js';

/**
 * Redis refused a batch: its epoch is not the projector's any more (another replica took the
 * lease over). Nothing of the batch was written; the check and the writes were one script each.
 */
export class ProjectorFencedError extends Error {
  constructor(events: number, cause: Error) {
    super(`Redis refused a batch of ${events} events: ${cause.message}`, { cause });
    this.name = 'ProjectorFencedError';
  }
}

export type ApplyOutcome = { ok: true; code: ApplyCode; previous: JobStatus | null } | { ok: false; error: Error };

/** apply-events.lua's and delete-jobs.lua's answer for one event they could not apply (the others of the call went ahead). */
const SCRIPT_FAILED = -4;

/** Nothing to write (a purge plan event): answered without Redis, as if already there. */
const NOTHING_TO_DO: ApplyOutcome = { ok: true, code: ApplyCode.Stale, previous: null };

/** Spreads one call's reply over the outcomes of its plans: `{code, previous}` pairs, in order. */
function spread(group: GroupedCall, plans: readonly PlannedUpdate[], error: Error | null, reply: unknown, into: ApplyOutcome[]): void {
  group.plans.forEach((planIndex, k) => {
    if (error) {
      into[planIndex] = { ok: false, error };
      return;
    }
    try {
      const pair = Array.isArray(reply) ? reply.slice(2 * k, 2 * k + 2) : reply;
      if (Array.isArray(pair) && pair[0] === SCRIPT_FAILED) {
        into[planIndex] = {
          ok: false,
          error: new Error(`${group.call.command} for job ${plans[planIndex].jobId} failed: ${String(pair[1])}`),
        };
        return;
      }
      const { code, previous } = toApplyCode(group.call.command, plans[planIndex].jobId, pair);
      into[planIndex] = { ok: true, code, previous: isJobStatus(previous) ? previous : null };
    } catch (e) {
      into[planIndex] = { ok: false, error: e as Error };
    }
  });
}

/** Writes job events into Redis through the apply scripts: the only way job state changes. */
export class JobWriter {
  /** Where the projector puts an event Redis fails on at every try, so that those after it go on. */
  readonly setAside: SetAsideStore;

  constructor(
    private readonly redis: Redis,
    private readonly settings: ScriptSettings,
  ) {
    this.setAside = new SetAsideStore(redis, settings.archiveRetentionS);
  }

  async apply(plan: PlannedUpdate): Promise<ApplyOutcome> {
    const [outcome] = await this.applyBatch([plan]);
    if (!outcome.ok) throw outcome.error;
    return outcome;
  }

  /**
   * Applies `plans` in order in one round trip, all-or-nothing when the connection fails, so
   * a retried batch never finds a later event applied before an earlier one: one script call
   * when the batch makes one (a run of lifecycle events, or of deletions: the common case),
   * which Redis runs atomically by itself, else the calls in one MULTI/EXEC. Throws when
   * nothing ran; a script error fails only the events of its call, and an event a script
   * fails on (apply-events, delete-jobs) only itself.
   *
   * With a `fence` (the projector's), every call is the script's fenced variant, which checks
   * the projector epoch in the same script as its writes: no extra round trip, and no window
   * between check and write. The epoch cannot change inside the transaction, so either every
   * call is refused or none: ProjectorFencedError, nothing written.
   */
  async applyBatch(plans: readonly PlannedUpdate[], fence?: ProjectorFence): Promise<ApplyOutcome[]> {
    const groups = groupScriptCalls(plans, this.settings);
    const outcomes: ApplyOutcome[] = plans.map(() => NOTHING_TO_DO);
    if (groups.length === 0) return outcomes;
    const calls = groups.map(({ call }) => (fence ? fencedCall(call.command, call.args, fence) : call));
    const replies = calls.length === 1 ? [await this.callOne(calls[0])] : await this.transaction(calls, plans.length);
    const refused = replies.find(([error]) => isFencedError(error));
    if (refused) throw new ProjectorFencedError(plans.length, refused[0] as Error);
    groups.forEach((group, g) => {
      const [error, reply] = replies[g] ?? [new Error('no reply'), null];
      spread(group, plans, error, reply, outcomes);
    });
    await this.keepRefusals(plans, outcomes);
    return outcomes;
  }

  /** One script call, answered as a transaction's reply: an error Redis answered is the call's, any other is thrown. */
  private async callOne({
    command,
    args,
  }: {
    command: ScriptCall['command'] | FencedCommand;
    args: string[];
  }): Promise<[Error | null, unknown]> {
    try {
      return [null, await this.redis[command](...args)];
    } catch (error) {
      if (error instanceof ReplyError) return [error as Error, null];
      throw error;
    }
  }

  private async transaction(calls: { command: ScriptCall['command'] | FencedCommand; args: string[] }[], events: number) {
    const multi = this.redis.multi();
    for (const { command, args } of calls) multi[command](...args);
    const replies = await multi.exec();
    if (!replies) throw new Error(`the transaction applying ${events} events was aborted`);
    return replies;
  }

  /**
   * Stores why each refused command event was refused, before the caller acks anything: once
   * the projector's ack floor passes an event, its verdict can be read (RefusalStore). A
   * retried batch refuses the same events again and writes the same verdicts.
   */
  private async keepRefusals(plans: readonly PlannedUpdate[], outcomes: readonly ApplyOutcome[]): Promise<void> {
    const refused: { refusal: EventRefusal; plan: PlannedUpdate }[] = [];
    outcomes.forEach((outcome, i) => {
      const refusal = outcome.ok ? refusalOf(plans[i], outcome.code, outcome.previous) : null;
      if (refusal) refused.push({ refusal, plan: plans[i] });
    });
    if (refused.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const { refusal } of refused) {
      pipeline.set(RedisKeys.refusal(refusal.event_id), JSON.stringify(refusal), 'EX', this.settings.archiveRetentionS, 'NX');
    }
    const replies = await pipeline.exec();
    const failed = replies?.find(([error]) => error);
    if (!replies || failed) throw new Error(`could not keep ${refused.length} refusals: ${failed?.[0]?.message ?? 'pipeline aborted'}`);
    // A purge counted its deletion when it published it: a refused one was skipped after all.
    // Only where the refusal is new (NX), so a batch retried corrects the count once.
    const corrections = this.redis.pipeline();
    refused.forEach(({ plan }, i) => {
      if (plan.kind !== 'delete' || !plan.planId || replies[i][1] !== 'OK') return;
      corrections.countRefusedDeletion(RedisKeys.purgePlan(plan.planId));
    });
    if (corrections.length > 0) await corrections.exec();
  }
}
