/**
 * The verdict of `verify-purge` for one job, from what was found: the API must answer 410
 * or 404, Redis (when checked) must not hold the job's key, and the trail must hold a
 * `deleted` record. Pure, so each combination is tested.
 */
import type { AuditRecord } from '@crux/contracts';
import { formatActor } from '../format/audit.js';

export type ApiFinding =
  | { kind: 'gone' }
  | { kind: 'never-seen' }
  | { kind: 'live'; status: string }
  /** The gateway would not say (400 for a malformed id, say): the job cannot be shown to be gone. */
  | { kind: 'refused'; message: string };

export type KeyFinding = { key: string; exists: boolean } | undefined;

export type TrailFinding = { kind: 'recorded'; record: AuditRecord } | { kind: 'missing' } | { kind: 'refused'; message: string };

export interface PurgeCheck {
  jobId: string;
  ok: boolean;
  /** What is missing for the job to count as purged; empty when ok. */
  problems: string[];
  /** The deletion as recorded, when there is one. */
  deleted: { at: string; by: string; reason: string | null } | null;
}

/** `trail` is about the newest `deleted` record of the job. */
export function judgePurge(jobId: string, api: ApiFinding, key: KeyFinding, trail: TrailFinding): PurgeCheck {
  const problems: string[] = [];
  if (api.kind === 'live') problems.push(`the API still serves it (status ${api.status})`);
  if (api.kind === 'refused') problems.push(`the API would not say whether it is gone: ${api.message}`);
  if (key?.exists) problems.push(`Redis still holds ${key.key}`);
  if (trail.kind === 'missing') problems.push(`the audit trail has no 'deleted' record for it`);
  if (trail.kind === 'refused') problems.push(`the audit trail could not be searched for it: ${trail.message}`);
  const deletion = trail.kind === 'recorded' ? trail.record : null;
  return {
    jobId,
    ok: problems.length === 0,
    problems,
    deleted: deletion ? { at: deletion.occurred_at, by: formatActor(deletion.actor), reason: deletion.reason } : null,
  };
}

/** `ok      <id>  deleted 2026-11-28 12:00:03 UTC by dev-operator (purge)` or `FAILED  <id>  …; …`. */
export function formatPurgeCheck(check: PurgeCheck): string {
  if (check.ok && check.deleted) {
    const at = new Date(check.deleted.at);
    const when = Number.isNaN(at.getTime()) ? check.deleted.at : `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
    return `ok      ${check.jobId}  deleted ${when} by ${check.deleted.by}${check.deleted.reason ? ` (${check.deleted.reason})` : ''}`;
  }
  return `FAILED  ${check.jobId}  ${check.problems.join('; ')}`;
}

export function formatPurgeSummary(checks: readonly PurgeCheck[], checkedRedis: string | undefined): string {
  const failed = checks.filter((check) => !check.ok).length;
  const what = checkedRedis
    ? `the API, Redis at ${checkedRedis} and the audit trail`
    : 'the API and the audit trail; set REDIS_URL to check Redis directly too';
  const verdict =
    failed === 0
      ? `all ${checks.length} job${checks.length === 1 ? '' : 's'} verified purged`
      : `${failed} of ${checks.length} job${checks.length === 1 ? '' : 's'} NOT verified purged`;
  return `${verdict} (checked ${what})`;
}
