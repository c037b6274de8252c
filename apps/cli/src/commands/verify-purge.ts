import type { AuditRecord } from '@crux/contracts';
import { parseCommandArgs } from '../args.js';
import { readTrail } from '../audit/read-trail.js';
import { ApiError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { CruxClient } from '../http/client.js';
import { collectIds } from '../id-list.js';
import { openLiveKeyCheck } from '../verify-purge/redis-keys-check.js';
import {
  formatPurgeCheck,
  formatPurgeSummary,
  judgePurge,
  type ApiFinding,
  type PurgeCheck,
  type TrailFinding,
} from '../verify-purge/verdict.js';
import { printJson, type Command } from './command.js';

const options = { 'ids-file': { type: 'string' } } as const;

export function parseVerifyPurgeArgs(argv: string[], cwd: string): string[] {
  const { values, positionals } = parseCommandArgs('verify-purge', argv, options);
  const ids = collectIds('verify-purge', { positionals, idsFile: values['ids-file'] }, cwd);
  if (ids.length === 0) throw new UsageError('missing job ids (as arguments, or --ids-file FILE)', 'verify-purge');
  return ids;
}

export const verifyPurgeCommand: Command = {
  name: 'verify-purge',
  summary: 'check that jobs are really gone, and that their deletion is on record (operator)',
  usage: ['verify-purge <job-id>… [--ids-file FILE] [--json]'],
  details: `For each job checks that
  - the API no longer serves it: GET /api/v1/jobs/{id} answers 410 Gone (or 404),
  - its live key is gone from Redis (only when REDIS_URL is set: read directly, EXISTS job:{id}),
  - the audit trail holds a 'deleted' record for it (who, when, why).
Prints one line per job, ok or what is missing, and a summary.

  --ids-file FILE   also the jobs listed in FILE (one per line, or separated by spaces or commas)
  --json            {"ok", "checked_redis", "jobs": [{job_id, ok, problems, deleted}]}

Exit code 0 only when every job passes; 9 when any does not. Uses the operator key.

Example:
  crux verify-purge --ids-file purged.txt`,
  async run(context, argv) {
    const ids = parseVerifyPurgeArgs(argv, context.io.cwd);
    const client = context.client('operator');
    const redisUrl = context.io.env.REDIS_URL?.trim();
    const redis = redisUrl ? await openLiveKeyCheck(redisUrl) : undefined;
    const checks: PurgeCheck[] = [];
    try {
      for (const jobId of ids) {
        const [api, key, deletion] = await Promise.all([askApi(client, jobId), redis?.jobKey(jobId), lastDeletion(client, jobId)]);
        const check = judgePurge(jobId, api, key, deletion);
        checks.push(check);
        if (!context.json) context.io.stdout.write(`${formatPurgeCheck(check)}\n`);
      }
    } finally {
      await redis?.close();
    }
    const ok = checks.every((check) => check.ok);
    if (context.json) {
      printJson(context, {
        ok,
        checked_redis: redis !== undefined,
        jobs: checks.map((check) => ({ job_id: check.jobId, ok: check.ok, problems: check.problems, deleted: check.deleted })),
      });
    } else {
      context.io.stdout.write(`${formatPurgeSummary(checks, redis?.where)}\n`);
    }
    return ok ? ExitCode.Ok : ExitCode.CheckFailed;
  },
};

/** 410 and 404 mean gone; 401/403/5xx and network failures abort the whole run (nothing can be verified). */
async function askApi(client: CruxClient, jobId: string): Promise<ApiFinding> {
  try {
    const job = await client.getJob(jobId);
    return { kind: 'live', status: job?.status ?? 'unknown' };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 410) return { kind: 'gone' };
    if (error.status === 404) return { kind: 'never-seen' };
    if (isRefusal(error)) return { kind: 'refused', message: error.message };
    throw error;
  }
}

/** The newest `deleted` record of the job (one restored and deleted again has several). */
async function lastDeletion(client: CruxClient, jobId: string): Promise<TrailFinding> {
  let last: AuditRecord | undefined;
  try {
    for await (const page of readTrail(client, { job_id: jobId, action: 'deleted' }, 100)) last = page.records.at(-1) ?? last;
  } catch (error) {
    if (isRefusal(error)) return { kind: 'refused', message: (error as ApiError).message };
    throw error;
  }
  return last ? { kind: 'recorded', record: last } : { kind: 'missing' };
}

/** A 4xx about this one id (400 for a malformed id, say); 401/403 concern every id and abort the run. */
function isRefusal(error: unknown): boolean {
  return error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 403;
}
