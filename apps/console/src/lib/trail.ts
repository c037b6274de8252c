/** The Trail page's filters as the audit query, and the export as JSON lines. */
import { query } from './api';
import type { AuditRecord } from './types';

export interface TrailFilters {
  jobId: string;
  action: string;
  actor: string;
  /** `datetime-local` values (the browser's local time), or ''. */
  since: string;
  until: string;
}

export const NO_FILTERS: TrailFilters = { jobId: '', action: '', actor: '', since: '', until: '' };

/** A `datetime-local` value as an ISO instant; '' stays ''. */
export function localToIso(value: string): string {
  if (value.trim() === '') return '';
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? value : at.toISOString();
}

/** `?job_id=…&action=deleted&limit=100`: only the set filters, trimmed. */
export function trailQuery(filters: TrailFilters, limit: number, cursor?: string | null): string {
  return query({
    job_id: filters.jobId.trim().toLowerCase(),
    action: filters.action,
    actor: filters.actor.trim(),
    since: localToIso(filters.since),
    until: localToIso(filters.until),
    limit,
    cursor: cursor ?? undefined,
  });
}

/** The records as `crux audit export` writes them: one JSON object per line. */
export function toJsonLines(records: readonly AuditRecord[]): string {
  return records.map((record) => JSON.stringify(record)).join('\n') + (records.length > 0 ? '\n' : '');
}

/**
 * The records of `incoming` not already shown, appended in trail order. Following re-reads
 * from the last record's time, so records come back more than once; the trail is
 * append-only, so a record is new when its sequence is above every one shown.
 */
export function appendNewRecords(shown: readonly AuditRecord[], incoming: readonly AuditRecord[]): AuditRecord[] {
  const highest = shown.reduce((max, r) => Math.max(max, r.sequence ?? 0), 0);
  const hashes = new Set(shown.map((r) => r.hash));
  const fresh = incoming.filter((r) => (typeof r.sequence === 'number' ? r.sequence > highest : !hashes.has(r.hash)));
  return fresh.length === 0 ? (shown as AuditRecord[]) : [...shown, ...fresh];
}

/** Whether each record chains from the one shown before it (null for the first: its predecessor is not on the page). */
export function chainsFromPrevious(records: readonly AuditRecord[]): (boolean | null)[] {
  return records.map((record, i) => {
    if (i === 0) return null;
    const before = records[i - 1];
    // With a filter, the record before it in the trail may not be on the page.
    if (typeof record.sequence === 'number' && typeof before.sequence === 'number' && record.sequence !== before.sequence + 1) return null;
    return record.prev_hash === before.hash;
  });
}
