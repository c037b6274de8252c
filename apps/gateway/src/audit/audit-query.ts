import { AUDIT_ACTIONS, type AuditAction, type AuditQuery } from '@crux/contracts';
import { QueryReader, type QueryParameter } from '../http/query-reader.js';

export const AuditLimits = { defaultLimit: 100, maxLimit: 1000, maxCursorChars: 512, maxActorChars: 256 } as const;

const INSTANT = 'an ISO 8601 date (00:00 UTC) or date and time with a zone';

/** The query parameters parseAuditQuery reads, as the OpenAPI document describes them. */
export const AUDIT_QUERY: readonly QueryParameter[] = [
  { name: 'job_id', description: 'Records of this job (or purge plan); any case.', schema: { type: 'string', format: 'uuid' } },
  { name: 'action', description: 'Records of this action.', schema: { type: 'string', enum: [...AUDIT_ACTIONS] } },
  {
    name: 'actor',
    description: 'Records by this actor: an id (an API key name, a worker id) or `kind:id`.',
    schema: { type: 'string', minLength: 1, maxLength: AuditLimits.maxActorChars, pattern: '^\\S+$' },
  },
  {
    name: 'since',
    description: `Occurred at or after: ${INSTANT}.`,
    schema: { type: 'string', examples: ['2026-01-31', '2026-01-31T12:00:00Z'] },
  },
  {
    name: 'until',
    description: `Occurred at or before: ${INSTANT}; not before \`since\`.`,
    schema: { type: 'string', examples: ['2026-01-31T18:30:00+01:00'] },
  },
  {
    name: 'limit',
    description: 'Records per page.',
    schema: { type: 'integer', minimum: 1, maximum: AuditLimits.maxLimit, default: AuditLimits.defaultLimit },
  },
  { name: 'cursor', description: '`next_cursor` of the previous page.', schema: { type: 'string', maxLength: AuditLimits.maxCursorChars } },
];

const KNOWN = AUDIT_QUERY.map((p) => p.name);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A date, or a date and time with a zone: without one, a time would mean the server's local time. */
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;
/** An actor id (an API key's name, a worker id) or `kind:id`: no spaces or control characters. */
const ACTOR = /^[^\s\p{Cc}]+$/u;

/** ISO 8601 text as the instant it names, or null when it is not one (2026-02-30 included). */
export function parseInstant(text: string): Date | null {
  const match = ISO_TIME.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCFullYear() !== year || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? new Date(ms) : null;
}

/**
 * Validates `GET /audit?job_id=&action=&actor=&since=&until=&limit=&cursor=` into the
 * audit service's AuditQuery. Times are passed on as UTC instants, so the audit service
 * and the client agree on what a bound means; a date alone is 00:00 UTC that day.
 */
export function parseAuditQuery(query: Record<string, unknown>): AuditQuery {
  const reader = new QueryReader(query, KNOWN);
  const result: AuditQuery = { limit: AuditLimits.defaultLimit };

  const jobId = reader.text('job_id');
  if (jobId !== undefined) {
    if (UUID.test(jobId)) result.job_id = jobId.toLowerCase();
    else reader.problem('job_id must be a UUID (a job id, or a purge plan id)');
  }

  const action = reader.text('action');
  if (action !== undefined) {
    if ((AUDIT_ACTIONS as readonly string[]).includes(action)) result.action = action as AuditAction;
    else reader.problem(`action must be one of: ${AUDIT_ACTIONS.join(', ')}`);
  }

  const actor = reader.text('actor');
  if (actor !== undefined) {
    if (actor.length <= AuditLimits.maxActorChars && ACTOR.test(actor)) result.actor = actor;
    else
      reader.problem(
        `actor must be an actor id such as an API key name, or kind:id (kind user, service or system), at most ${AuditLimits.maxActorChars} characters`,
      );
  }

  const bounds: { since?: Date; until?: Date } = {};
  for (const name of ['since', 'until'] as const) {
    const text = reader.text(name);
    if (text === undefined) continue;
    const instant = parseInstant(text);
    if (instant) {
      bounds[name] = instant;
      result[name] = instant.toISOString();
    } else {
      reader.problem(`${name} must be an ISO 8601 date (2026-01-31) or date and time with a zone (2026-01-31T12:00:00Z)`);
    }
  }
  if (bounds.since && bounds.until && bounds.since > bounds.until) reader.problem('since must not be after until');

  const limit = reader.text('limit');
  if (limit !== undefined) {
    const value = /^\d{1,5}$/.test(limit) ? Number(limit) : NaN;
    if (value >= 1 && value <= AuditLimits.maxLimit) result.limit = value;
    else reader.problem(`limit must be a whole number from 1 to ${AuditLimits.maxLimit}`);
  }

  const cursor = reader.text('cursor');
  if (cursor !== undefined) {
    if (cursor.length <= AuditLimits.maxCursorChars) result.cursor = cursor;
    else reader.problem(`cursor must be at most ${AuditLimits.maxCursorChars} characters; pass back the next_cursor of the previous page`);
  }

  reader.done();
  return result;
}
