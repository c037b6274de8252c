/**
 * What `crux purge` shows before it asks: the plan the gateway froze (how many jobs, a
 * sample of their ids, when it expires) next to the filter the operator typed and whether
 * it erases. Pure, so exactly what an operator reads is tested.
 */
import type { JobStatus, PurgePlanView } from '@crux/contracts';
import { describeDuration } from '../duration.js';
import { formatDuration } from '../format/time.js';

/** Ids of the plan's sample shown: enough to recognise the jobs, few enough to keep the count in view. */
export const SAMPLE_SHOWN = 10;

export interface PurgeFilter {
  ids: readonly string[];
  status: readonly JobStatus[];
  olderThanS: number | undefined;
  erase: boolean;
  reason: string | undefined;
}

/** `status failed or cancelled · older than 7d · among 3 listed ids`. */
export function describeFilter(filter: PurgeFilter): string {
  const parts: string[] = [];
  if (filter.status.length > 0) parts.push(`status ${filter.status.join(' or ')}`);
  if (filter.olderThanS !== undefined) parts.push(`older than ${describeDuration(filter.olderThanS)}`);
  if (filter.ids.length > 0) parts.push(`among ${formatCount(filter.ids.length)} listed id${filter.ids.length === 1 ? '' : 's'}`);
  return parts.join(' · ') || 'every job';
}

export function formatPurgePlan(plan: PurgePlanView, filter: PurgeFilter, now: Date): string {
  const rows: [string, string][] = [
    ['jobs', `${formatCount(plan.count)} (${describeFilter(filter)}; jobs on hold are never included)`],
    [
      'action',
      plan.erase
        ? 'ERASE: each job is deleted and its content removed from the event log; it CANNOT be restored'
        : 'delete: each job is archived first and can be restored with `crux restore` until the archive retention ends',
    ],
    ['reason', filter.reason ?? '-'],
  ];
  const sample = plan.sample.slice(0, Math.min(plan.count, SAMPLE_SHOWN));
  sample.forEach((id, i) => rows.push([i === 0 ? 'sample' : '', id]));
  if (plan.count > sample.length) rows.push([sample.length === 0 ? 'sample' : '', `… and ${formatCount(plan.count - sample.length)} more`]);
  rows.push(['expires', describeExpiry(plan.expires_at, now)]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return [`Purge plan ${plan.plan_id}`, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)].join('\n');
}

/** `2026-11-28 12:10:00 UTC (in 9m 59s): confirm before then`. */
export function describeExpiry(iso: string, now: Date): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const seconds = (at.getTime() - now.getTime()) / 1000;
  const when = `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  return seconds > 0 ? `${when} (in ${formatDuration(seconds)}): confirm before then` : `${when} (already expired)`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
