import { JOB_STATUSES, RedisKeys } from '@crux/contracts';
import { assertNever, type ApplyPlan, type DeletePlan, type EventFields, type PlannedUpdate } from '../domain/index.js';
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

const pairs = (fields: EventFields): string[] => {
  const out: string[] = [];
  pushPairs(out, fields);
  return out;
};

/** Appends the fields that have a value as field, value pairs; answers how many pairs. */
function pushPairs(out: string[], fields: EventFields): number {
  let count = 0;
  for (const field in fields) {
    const value = fields[field as keyof EventFields];
    if (value === undefined) continue;
    out.push(field, value);
    count++;
  }
  return count;
}

/** The indexes every apply and delete call names first, in the scripts' order; built once. */
const STATUS_KEYS: readonly string[] = JOB_STATUSES.map((status) => RedisKeys.byStatus(status));
const STATUSES_JSON = JSON.stringify(JOB_STATUSES);
const INDEX_KEYS: readonly string[] = [RedisKeys.byCreated, RedisKeys.expiry, RedisKeys.revokePending, ...STATUS_KEYS];
/** The owner index name without the owner: delete-jobs appends the owner it finds. */
export const OWNER_INDEX_PREFIX = RedisKeys.byOwner('');

/**
 * apply-events.lua's `from`: each status between commas, the empty one for "no job yet", so
 * the script checks it with one plain find. STATUS_TRANSITIONS' arrays are few and constant:
 * each is encoded once.
 */
const fromCache = new WeakMap<readonly (string | null)[], string>();
export function allowedFromArg(allowed: readonly (string | null)[]): string {
  let text = fromCache.get(allowed);
  if (text === undefined) {
    text = `,${allowed.map((s) => s ?? '').join(',')},`;
    fromCache.set(allowed, text);
  }
  return text;
}

export interface ScriptCall {
  command: Exclude<ScriptCommand, 'confirmPurge' | 'holdLease' | 'countRefusedDeletion' | 'readJobs' | 'readFields'>;
  args: string[];
}

/** How many jobs one delete-jobs call takes at most. */
const DELETES_PER_CALL = 500;
/** How many events one apply-events call takes at most (a projector batch is at most 500 too). */
const APPLIES_PER_CALL = 500;

/** A script call and the plans (by index) whose outcomes its reply holds, in order. */
export interface GroupedCall {
  call: ScriptCall;
  plans: number[];
}

/**
 * The script calls for a batch of plans, in order: runs of consecutive lifecycle events share
 * one apply-events call, runs of consecutive deletions one delete-jobs call; plans with
 * nothing for Redis to do get none. A batch of a normal job's events (created, started,
 * completed, from any number of jobs) is one call.
 */
export function groupScriptCalls(plans: readonly PlannedUpdate[], s: ScriptSettings): GroupedCall[] {
  const calls: GroupedCall[] = [];
  let run: number[] = [];
  let runKind: 'apply' | 'delete' | null = null;
  const flush = () => {
    if (run.length > 0) {
      const planned = run.map((i) => plans[i]);
      const call = runKind === 'apply' ? applyEventsCall(planned as ApplyPlan[], s) : deleteJobsCall(planned as DeletePlan[], s);
      calls.push({ call, plans: run });
    }
    run = [];
    runKind = null;
  };
  plans.forEach((plan, i) => {
    if (plan.kind === 'apply' || plan.kind === 'delete') {
      if (runKind !== plan.kind) flush();
      runKind = plan.kind;
      run.push(i);
      if (run.length >= (plan.kind === 'apply' ? APPLIES_PER_CALL : DELETES_PER_CALL)) flush();
      return;
    }
    flush();
    const call = scriptCall(plan, s);
    if (call) calls.push({ call, plans: [i] });
  });
  flush();
  return calls;
}

/**
 * One apply-events.lua call for several lifecycle events, in order: the key count, KEYS, then
 * ARGV (its header lays them out). The indexes, the status list and the grace go once; each
 * event adds its three keys and its record.
 */
export function applyEventsCall(plans: readonly ApplyPlan[], s: ScriptSettings): ScriptCall {
  const keys = INDEX_KEYS.slice();
  const argv = [STATUSES_JSON, String(s.expiryGraceS)];
  const revokeConfirmMs = String(s.revokeConfirmMs);
  for (const plan of plans) {
    const jobKey = RedisKeys.job(plan.jobId);
    keys.push(jobKey, RedisKeys.tombstone(plan.jobId), plan.owner !== null ? RedisKeys.byOwner(plan.owner) : jobKey);
    argv.push(
      String(plan.seq),
      plan.jobId,
      allowedFromArg(plan.allowedFrom),
      plan.status ?? '',
      plan.ttlS === null ? '' : String(plan.ttlS),
      plan.createdMs === null ? '' : String(plan.createdMs),
      plan.awaitsRevoke ? revokeConfirmMs : '',
      plan.endsRevokeWait ? '1' : '',
    );
    const setAt = argv.push('');
    argv[setAt - 1] = String(pushPairs(argv, plan.set));
    const keepAt = argv.push('');
    argv[keepAt - 1] = String(pushPairs(argv, plan.setIfEmpty));
  }
  return { command: ScriptCommand.ApplyEvents, args: [String(keys.length), ...keys].concat(argv) };
}

/** One delete-jobs.lua call for several deletions: the key count, KEYS, then ARGV. */
export function deleteJobsCall(plans: readonly DeletePlan[], s: ScriptSettings): ScriptCall {
  const keys = INDEX_KEYS.slice();
  const argv = [STATUSES_JSON, OWNER_INDEX_PREFIX, String(s.archiveRetentionS)];
  for (const plan of plans) {
    keys.push(RedisKeys.job(plan.jobId), RedisKeys.tombstone(plan.jobId));
    argv.push(String(plan.seq), plan.jobId, plan.owner ?? '', plan.needs);
  }
  return { command: ScriptCommand.DeleteJobs, args: [String(keys.length), ...keys].concat(argv) };
}

/** The script and its KEYS then ARGV for one planned update (each script's header explains them); null when Redis has nothing to do. */
export function scriptCall(plan: PlannedUpdate, s: ScriptSettings): ScriptCall | null {
  const jobKey = RedisKeys.job(plan.jobId);
  const seq = String(plan.seq);
  switch (plan.kind) {
    case 'apply':
      return applyEventsCall([plan], s);
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
          ...STATUS_KEYS,
          seq,
          plan.jobId,
          STATUSES_JSON,
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
