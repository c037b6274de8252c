import {
  DELETION_ARCHIVES,
  DeletionArchive,
  DeletionReason,
  isJobStatus,
  JOB_EVENT_TYPES,
  SolveMode,
  parseJobSubject,
  type JobEvent,
  type JobEventType,
} from '@crux/contracts';
import { assertNever } from './assert-never.js';

export type ParsedEvent = { ok: true; event: JobEvent } | { ok: false; reason: string };

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isOptionalText = (value: unknown) => value === undefined || value === null || typeof value === 'string';

const DELETION_REASONS: readonly unknown[] = Object.values(DeletionReason);

/** A JobView as an archive carries it: enough to rebuild the live job from. */
function snapshotProblem(snapshot: unknown, jobId: string): string | null {
  if (!isObject(snapshot)) return 'must be an object';
  if (snapshot.job_id !== jobId) return 'job_id must be the job of the event';
  if (!isJobStatus(snapshot.status)) return 'status must be a job status';
  if (!isText(snapshot.owner)) return 'owner must be a non-empty string';
  if (typeof snapshot.created_at !== 'string' || !Number.isFinite(Date.parse(snapshot.created_at))) return 'created_at must be an ISO date';
  if (snapshot.mode !== SolveMode.Basic && snapshot.mode !== SolveMode.Enhanced) return 'mode must be basic or enhanced';
  return null;
}

/** The facts a deletion by reference carries: what the projection and a restore read of them. */
function factsProblem(facts: unknown): string | null {
  if (!isObject(facts)) return 'must be an object';
  if (!isJobStatus(facts.status)) return 'status must be a job status';
  if (!isText(facts.owner)) return 'owner must be a non-empty string';
  if (typeof facts.created_at !== 'string' || !Number.isFinite(Date.parse(facts.created_at))) return 'created_at must be an ISO date';
  if (facts.mode !== SolveMode.Basic && facts.mode !== SolveMode.Enhanced) return 'mode must be basic or enhanced';
  if (!Number.isSafeInteger(facts.version) || (facts.version as number) < 0) return 'version must be a non-negative integer';
  return null;
}

/** Checks the data fields the projection reads; null when they are fine. */
function dataProblem(type: JobEventType, data: Json, jobId: string): string | null {
  switch (type) {
    case 'created':
      if (!isText(data.owner)) return 'data.owner must be a non-empty string';
      if (data.mode !== SolveMode.Basic && data.mode !== SolveMode.Enhanced) return 'data.mode must be basic or enhanced';
      if (!isObject(data.request)) return 'data.request must be an object';
      if (!isOptionalText(data.model_name)) return 'data.model_name must be a string or null';
      if (!isOptionalText(data.continued_from)) return 'data.continued_from must be a string or null';
      return null;
    case 'progress':
      if (typeof data.progress !== 'number' || !Number.isFinite(data.progress)) return 'data.progress must be a number';
      if (typeof data.current_phase !== 'string') return 'data.current_phase must be a string';
      return null;
    case 'completed':
      return isObject(data.result) ? null : 'data.result must be an object';
    case 'failed':
      return typeof data.error === 'string' ? null : 'data.error must be a string';
    case 'deleted': {
      if (!DELETION_REASONS.includes(data.reason)) return `data.reason must be one of ${DELETION_REASONS.join(', ')}`;
      if (typeof data.content_hash !== 'string') return 'data.content_hash must be a string';
      if (data.archive !== undefined && !(DELETION_ARCHIVES as readonly unknown[]).includes(data.archive)) {
        return `data.archive must be one of ${DELETION_ARCHIVES.join(', ')}`;
      }
      if (data.job !== undefined && data.job !== null) {
        const problem = factsProblem(data.job);
        if (problem) return `data.job ${problem}`;
      }
      if (data.archive === DeletionArchive.History && !isObject(data.job))
        return 'data.job must be an object when the archive is the history';
      if (data.snapshot === null) return null;
      const problem = snapshotProblem(data.snapshot, jobId);
      return problem ? `data.snapshot ${problem}` : null;
    }
    case 'restored': {
      if (!isText(data.from_event_id)) return 'data.from_event_id must be a non-empty string';
      const problem = snapshotProblem(data.snapshot, jobId);
      return problem ? `data.snapshot ${problem}` : null;
    }
    case 'started':
    case 'cancel':
    case 'revoked':
    case 'revoke_unconfirmed':
    case 'held':
    case 'released':
    case 'purge_planned':
    case 'purge_confirmed':
      return null;
    default:
      return assertNever(type, 'event type');
  }
}

/**
 * Reads one JOBS stream message. An event that says something other than its subject, or
 * lacks what the projection needs, is refused with a reason instead of half-applied.
 */
export function parseJobEvent(subject: string, payload: string): ParsedEvent {
  const where = parseJobSubject(subject);
  if (!where) return { ok: false, reason: `subject ${subject} is not job.<event>.<id>` };
  let raw: unknown;
  try {
    raw = JSON.parse(payload);
  } catch {
    return { ok: false, reason: 'payload is not JSON' };
  }
  if (!isObject(raw)) return { ok: false, reason: 'payload is not a JSON object' };
  if (!isText(raw.id)) return { ok: false, reason: 'id must be a non-empty string' };
  if (!(JOB_EVENT_TYPES as readonly unknown[]).includes(raw.type)) return { ok: false, reason: `unknown event type ${String(raw.type)}` };
  if (raw.type !== where.type) return { ok: false, reason: `type ${String(raw.type)} does not match subject ${subject}` };
  if (raw.job_id !== where.jobId) return { ok: false, reason: `job_id ${String(raw.job_id)} does not match subject ${subject}` };
  if (typeof raw.occurred_at !== 'string' || !Number.isFinite(Date.parse(raw.occurred_at))) {
    return { ok: false, reason: 'occurred_at must be an ISO date' };
  }
  if (!isObject(raw.data)) return { ok: false, reason: 'data must be an object' };
  const problem = dataProblem(raw.type as JobEventType, raw.data, where.jobId);
  if (problem) return { ok: false, reason: problem };
  return { ok: true, event: raw as unknown as JobEvent };
}
