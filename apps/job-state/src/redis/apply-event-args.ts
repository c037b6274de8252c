import { JOB_STATUSES, RedisKeys } from '@crux/contracts';
import { assertNever, type DeletePlan, type EventFields, type PlannedUpdate } from '../domain/index.js';
import { ScriptCommand } from './commands.js';

/** What the scripts need beyond the event itself. */
export interface ScriptSettings {
  /** Redis's own TTL outlives the expiry index deadline by this much (the backstop). */
  expiryGraceS: number;
  /** A cancelled running job waits this long for its worker's `revoked`. */
  revokeConfirmMs: number;
  /** How long a deleted job's tombstone is kept: the archive retention. */
  archiveRetentionS: number;
}

const pairs = (fields: EventFields): string[] =>
  Object.entries(fields).flatMap(([field, value]) => (value === undefined ? [] : [field, value]));

const statusKeys = () => JOB_STATUSES.map((status) => RedisKeys.byStatus(status));
/** The owner index name without the owner: delete-jobs appends the owner it finds. */
export const OWNER_INDEX_PREFIX = RedisKeys.byOwner('');

export interface ScriptCall {
  command: Exclude<ScriptCommand, 'confirmPurge' | 'holdLease' | 'countRefusedDeletion'>;
  args: string[];
}

/** How many jobs one delete-jobs call takes at most. */
const DELETES_PER_CALL = 500;

/** A script call and the plans (by index) whose outcomes its reply holds, in order. */
export interface GroupedCall {
  call: ScriptCall;
  plans: number[];
}

/**
 * The script calls for a batch of plans, in order: runs of consecutive deletions share one
 * delete-jobs call; plans with nothing for Redis to do get none.
 */
export function groupScriptCalls(plans: readonly PlannedUpdate[], s: ScriptSettings): GroupedCall[] {
  const calls: GroupedCall[] = [];
  let run: number[] = [];
  const flush = () => {
    if (run.length > 0)
      calls.push({
        call: deleteJobsCall(
          run.map((i) => plans[i] as DeletePlan),
          s,
        ),
        plans: run,
      });
    run = [];
  };
  plans.forEach((plan, i) => {
    if (plan.kind === 'delete') {
      run.push(i);
      if (run.length >= DELETES_PER_CALL) flush();
      return;
    }
    flush();
    const call = scriptCall(plan, s);
    if (call) calls.push({ call, plans: [i] });
  });
  flush();
  return calls;
}

/** One delete-jobs.lua call for several deletions: the key count, KEYS, then ARGV. */
export function deleteJobsCall(plans: readonly DeletePlan[], s: ScriptSettings): ScriptCall {
  const keys = [RedisKeys.byCreated, RedisKeys.expiry, RedisKeys.revokePending, ...statusKeys()];
  const argv = [JSON.stringify(JOB_STATUSES), OWNER_INDEX_PREFIX, String(s.archiveRetentionS)];
  for (const plan of plans) {
    keys.push(RedisKeys.job(plan.jobId), RedisKeys.tombstone(plan.jobId));
    argv.push(String(plan.seq), plan.jobId, plan.owner ?? '', plan.needs);
  }
  return { command: ScriptCommand.DeleteJobs, args: [String(keys.length), ...keys, ...argv] };
}

/** The script and its KEYS then ARGV for one planned update (each script's header explains them); null when Redis has nothing to do. */
export function scriptCall(plan: PlannedUpdate, s: ScriptSettings): ScriptCall | null {
  const jobKey = RedisKeys.job(plan.jobId);
  const seq = String(plan.seq);
  switch (plan.kind) {
    case 'apply': {
      const set = pairs(plan.set);
      return {
        command: ScriptCommand.ApplyEvent,
        args: [
          jobKey,
          RedisKeys.byCreated,
          plan.owner !== null ? RedisKeys.byOwner(plan.owner) : jobKey,
          RedisKeys.expiry,
          RedisKeys.revokePending,
          RedisKeys.tombstone(plan.jobId),
          ...statusKeys(),
          seq,
          plan.jobId,
          JSON.stringify(JOB_STATUSES),
          JSON.stringify(plan.allowedFrom),
          plan.status ?? '',
          plan.ttlS === null ? '' : String(plan.ttlS),
          String(s.expiryGraceS),
          plan.createdMs === null ? '' : String(plan.createdMs),
          plan.awaitsRevoke ? String(s.revokeConfirmMs) : '',
          plan.endsRevokeWait ? '1' : '',
          String(set.length / 2),
          ...set,
          ...pairs(plan.setIfEmpty),
        ],
      };
    }
    case 'delete':
      return deleteJobsCall([plan], s);
    case 'restore':
      return {
        command: ScriptCommand.RestoreJob,
        args: [
          jobKey,
          RedisKeys.byCreated,
          RedisKeys.byOwner(plan.owner),
          RedisKeys.expiry,
          RedisKeys.tombstone(plan.jobId),
          ...statusKeys(),
          seq,
          plan.jobId,
          JSON.stringify(JOB_STATUSES),
          plan.status,
          String(plan.ttlS),
          String(s.expiryGraceS),
          String(plan.createdMs),
          plan.held ? '1' : '',
          ...pairs(plan.fields),
        ],
      };
    case 'hold':
      return {
        command: ScriptCommand.SetHold,
        args: [jobKey, RedisKeys.expiry, seq, plan.jobId, plan.held ? '1' : '0', JSON.stringify(plan.ttlByStatus), String(s.expiryGraceS)],
      };
    case 'skip':
      return null;
    default:
      return assertNever(plan, 'planned update');
  }
}
