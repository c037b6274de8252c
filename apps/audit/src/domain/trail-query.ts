import { ActorKind, AUDIT_ACTIONS, Subjects, type AuditAction, type AuditRecord } from '@crux/contracts';
import { isAuditAction } from './job-event-reading.js';
import { isObject } from './json.js';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/** An `audit.query` request once checked. Times compare with a record's `occurred_at`. */
export interface TrailQuery {
  jobId: string | null;
  action: AuditAction | null;
  actor: { kind: ActorKind | null; id: string } | null;
  since: Date | null;
  until: Date | null;
  limit: number;
  /** From the cursor: the stream sequence to continue at. */
  startSeq: number | null;
}

export type QueryParse = { ok: true; query: TrailQuery } | { ok: false; message: string };

/** One subject token: what `audit.<action>.<job_id>` can carry. */
const TOKEN = /^[^\s.*>]{1,256}$/;
/** A date, or a date and time with a zone: a time without a zone would mean the server's local time. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/i;
const ACTOR_KINDS: readonly string[] = Object.values(ActorKind);

/** Checks an AuditQuery as it came over NATS; every problem is a message for a 400. */
export function parseTrailQuery(raw: unknown): QueryParse {
  if (raw === undefined || raw === null) raw = {};
  if (!isObject(raw)) return fail('the query must be a JSON object');

  const jobId = optionalText(raw.job_id);
  if (jobId === false || (jobId !== null && !TOKEN.test(jobId))) return fail('job_id must be a job or plan id (no spaces, dots, * or >)');

  const action = optionalText(raw.action);
  if (action === false || (action !== null && !isAuditAction(action))) {
    return fail(`action must be one of ${AUDIT_ACTIONS.join(', ')}`);
  }

  const actorText = optionalText(raw.actor);
  if (actorText === false || (actorText !== null && actorText.length > 256)) return fail('actor must be an actor id, or kind:id');
  const actor = actorText === null ? null : parseActor(actorText);

  const since = optionalTime(raw.since);
  if (since === false) return fail('since must be an ISO 8601 date, or date and time with a zone (e.g. 2026-11-28T12:00:00Z)');
  const until = optionalTime(raw.until);
  if (until === false) return fail('until must be an ISO 8601 date, or date and time with a zone (e.g. 2026-11-28T12:00:00Z)');
  if (since && until && since.getTime() > until.getTime()) return fail('since must not be after until');

  const limit = parseLimit(raw.limit);
  if (limit === null) return fail(`limit must be a whole number from 1 to ${MAX_LIMIT}`);

  let startSeq: number | null = null;
  if (raw.cursor !== undefined && raw.cursor !== null && raw.cursor !== '') {
    startSeq = typeof raw.cursor === 'string' ? decodeCursor(raw.cursor) : null;
    if (startSeq === null) return fail('cursor is not one this service issued; pass next_cursor from a previous page unchanged');
  }

  return { ok: true, query: { jobId, action: action as AuditAction | null, actor, since, until, limit, startSeq } };
}

/** The narrowest AUDIT subject holding every record the query can match. */
export function querySubject(q: Pick<TrailQuery, 'jobId' | 'action'>): string {
  return Subjects.auditRecord(q.action ?? '*', q.jobId ?? '*');
}

export function matchesQuery(record: AuditRecord, q: TrailQuery): boolean {
  if (q.jobId !== null && record.job_id !== q.jobId) return false;
  if (q.action !== null && record.action !== q.action) return false;
  if (q.actor !== null) {
    if (record.actor.id !== q.actor.id) return false;
    if (q.actor.kind !== null && record.actor.kind !== q.actor.kind) return false;
  }
  if (q.since || q.until) {
    const at = Date.parse(record.occurred_at);
    if (!Number.isFinite(at)) return false;
    if (q.since && at < q.since.getTime()) return false;
    if (q.until && at > q.until.getTime()) return false;
  }
  return true;
}

/** Cursors are opaque to clients: base64url of a versioned position in the stream. */
export function encodeCursor(nextSeq: number): string {
  return Buffer.from(JSON.stringify({ v: 1, seq: nextSeq })).toString('base64url');
}

export function decodeCursor(cursor: string): number | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!isObject(value) || value.v !== 1) return null;
    return Number.isSafeInteger(value.seq) && (value.seq as number) >= 1 ? (value.seq as number) : null;
  } catch {
    return null;
  }
}

function parseActor(text: string): { kind: ActorKind | null; id: string } {
  const colon = text.indexOf(':');
  if (colon > 0 && ACTOR_KINDS.includes(text.slice(0, colon))) {
    return { kind: text.slice(0, colon) as ActorKind, id: text.slice(colon + 1) };
  }
  return { kind: null, id: text };
}

function parseLimit(value: unknown): number | null {
  if (value === undefined || value === null || value === '') return DEFAULT_LIMIT;
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_LIMIT ? n : null;
}

/** null when absent, false when present but not a non-empty string. */
function optionalText(value: unknown): string | null | false {
  if (value === undefined || value === null || value === '') return null;
  return typeof value === 'string' ? value : false;
}

function optionalTime(value: unknown): Date | null | false {
  const text = optionalText(value);
  if (text === null || text === false) return text;
  const trimmed = text.trim();
  if (!ISO_TIME.test(trimmed) || !isCalendarDate(trimmed.slice(0, 10))) return false;
  const ms = Date.parse(trimmed);
  return Number.isFinite(ms) ? new Date(ms) : false;
}

/** Date.parse rolls 2026-02-30 over into March; a query date must exist. */
function isCalendarDate(ymd: string): boolean {
  const [y, m, d] = ymd.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function fail(message: string): QueryParse {
  return { ok: false, message };
}
