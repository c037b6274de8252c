/**
 * The purge flow as the console shows it, line for line what `crux purge` shows: the plan
 * (count, filter, sample, action, reason, expiry; held jobs never included), the typed
 * count that enables the confirm button, the progress and its summary, and what a refused
 * confirmation means.
 */
import { ApiError } from './api';
import { formatCount, formatDuration, formatTime, parseAge } from './format';
import { JOB_STATUSES, type JobStatus, type PurgePlanView, type PurgeProgress } from './types';

/** Ids of the plan's sample shown, as the CLI shows them. */
export const SAMPLE_SHOWN = 10;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PurgeForm {
  ids: string;
  status: JobStatus[];
  olderThan: string;
  erase: boolean;
  reason: string;
}

export interface PurgeFilter {
  ids: string[];
  status: JobStatus[];
  olderThanS: number | undefined;
  erase: boolean;
  reason: string | undefined;
}

export interface PlanBody {
  job_ids?: string[];
  status?: JobStatus[];
  older_than?: number;
  erase?: boolean;
  reason?: string;
}

/** The form as the plan request, or the first thing wrong with it, said for a person. */
export function planRequest(form: PurgeForm): { ok: true; body: PlanBody; filter: PurgeFilter } | { ok: false; problem: string } {
  const ids = [
    ...new Set(
      form.ids
        .split(/[\s,]+/)
        .map((id) => id.trim().toLowerCase())
        .filter((id) => id !== ''),
    ),
  ];
  const bad = ids.find((id) => !UUID.test(id));
  if (bad) return { ok: false, problem: `'${bad}' is not a job id (a UUID such as 3f0c…-…)` };
  const unknownStatus = form.status.find((s) => !JOB_STATUSES.includes(s));
  if (unknownStatus) return { ok: false, problem: `'${unknownStatus}' is not a job status` };
  let olderThanS: number | undefined;
  if (form.olderThan.trim() !== '') {
    const age = parseAge(form.olderThan);
    if (age === null) return { ok: false, problem: `'${form.olderThan.trim()}' is not an age: write 30m, 12h, 7d, 2w, 1d12h or seconds` };
    olderThanS = age;
  }
  if (ids.length === 0 && form.status.length === 0 && olderThanS === undefined) {
    return { ok: false, problem: 'say what to purge: job ids, statuses and/or an age (there is no "purge everything")' };
  }
  const reason = form.reason.trim() || undefined;
  const body: PlanBody = {};
  if (ids.length > 0) body.job_ids = ids;
  if (form.status.length > 0) body.status = form.status;
  if (olderThanS !== undefined) body.older_than = olderThanS;
  if (form.erase) body.erase = true;
  if (reason) body.reason = reason;
  return { ok: true, body, filter: { ids, status: form.status, olderThanS, erase: form.erase, reason } };
}

/** `status failed or cancelled · older than 7d · among 3 listed ids`. */
export function describeFilter(filter: PurgeFilter): string {
  const parts: string[] = [];
  if (filter.status.length > 0) parts.push(`status ${filter.status.join(' or ')}`);
  if (filter.olderThanS !== undefined) parts.push(`older than ${formatDuration(filter.olderThanS)}`);
  if (filter.ids.length > 0) parts.push(`among ${formatCount(filter.ids.length)} listed id${filter.ids.length === 1 ? '' : 's'}`);
  return parts.join(' · ') || 'every job';
}

/** The plan as label/value rows, the CLI's plan display. */
export function planRows(plan: PurgePlanView, filter: PurgeFilter, now: Date): [string, string][] {
  const rows: [string, string][] = [
    ['jobs', `${formatCount(plan.count)} (${describeFilter(filter)}; jobs on hold are never included)`],
    [
      'action',
      plan.erase
        ? 'ERASE: each job is deleted and its content removed from the event log; it CANNOT be restored'
        : 'delete: each job is archived first and can be restored until the archive retention ends',
    ],
    ['reason', filter.reason ?? '-'],
  ];
  const sample = plan.sample.slice(0, Math.min(plan.count, SAMPLE_SHOWN));
  sample.forEach((id, i) => rows.push([i === 0 ? 'sample' : '', id]));
  if (plan.count > sample.length) rows.push([sample.length === 0 ? 'sample' : '', `… and ${formatCount(plan.count - sample.length)} more`]);
  rows.push(['expires', describeExpiry(plan.expires_at, now)]);
  return rows;
}

/** `2026-11-28 12:10:00 UTC (in 9m 59s): confirm before then`. */
export function describeExpiry(iso: string, now: Date): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const seconds = (at.getTime() - now.getTime()) / 1000;
  return seconds > 0 ? `${formatTime(iso)} (in ${formatDuration(seconds)}): confirm before then` : `${formatTime(iso)} (already expired)`;
}

/** True when `typed` is the count, with or without thousands separators (`1234`, `1,234`). */
export function isCountTyped(typed: string, count: number): boolean {
  const answer = typed.trim();
  return answer === String(count) || answer === count.toLocaleString('en-US');
}

export function purgeDone(progress: Pick<PurgeProgress, 'deleted' | 'skipped' | 'failed'>): number {
  return (progress.deleted ?? 0) + (progress.skipped ?? 0) + (progress.failed ?? 0);
}

export function purgeFinished(progress: Pick<PurgeProgress, 'status'>): boolean {
  return progress.status === 'completed' || progress.status === 'expired';
}

/** The bar's fraction: done of count, full only once the purge says completed. */
export function purgeFraction(progress: PurgeProgress): number {
  if (progress.status === 'completed') return 1;
  return progress.count > 0 ? Math.min(purgeDone(progress) / progress.count, 0.999) : 0;
}

/** `400 of 1,000 · 390 deleted · 10 skipped · 0 failed`. */
export function purgeLine(progress: PurgeProgress): string {
  return `${formatCount(purgeDone(progress))} of ${formatCount(progress.count)} · ${formatCount(progress.deleted)} deleted · ${formatCount(progress.skipped)} skipped · ${formatCount(progress.failed)} failed`;
}

export function purgeSummary(progress: PurgeProgress): string[] {
  const verb = progress.erase ? 'erased' : 'deleted';
  const lines = [
    `purge ${progress.status}: ${formatCount(progress.deleted)} ${verb}, ${formatCount(progress.skipped)} skipped (on hold or already gone), ${formatCount(progress.failed)} failed`,
  ];
  if (progress.failed > 0)
    lines.push(
      `${formatCount(progress.failed)} job${progress.failed === 1 ? '' : 's'} could not be deleted and ${progress.failed === 1 ? 'is' : 'are'} still there: plan the same purge again to retry`,
    );
  if (progress.status === 'expired') lines.push('the purge stopped before finishing: some jobs may remain; plan it again');
  if (progress.deleted > 0 && !progress.erase) lines.push('deleted jobs stay restorable from the archive: open one and choose Restore');
  return lines;
}

/** What a refused confirmation means, for the person who pressed the button. */
export function explainConfirmError(error: unknown): string {
  if (!(error instanceof ApiError)) return `the confirmation failed: ${String(error)}; nothing was deleted`;
  switch (error.status) {
    case 410:
      return `the plan expired before it was confirmed: nothing was deleted; plan the purge again (${error.message})`;
    case 403:
      return `the confirmation was refused: the token does not belong to this plan; nothing was deleted; plan the purge again (${error.message})`;
    case 409:
      return `this plan was already confirmed (by this or another operator): it runs once (${error.message})`;
    case 404:
      return `the plan is gone (job-state no longer knows it, e.g. after Redis lost its state): nothing was deleted by this confirmation; plan again (${error.message})`;
    default:
      return `the confirmation failed (${error.status}): ${error.message}`;
  }
}
