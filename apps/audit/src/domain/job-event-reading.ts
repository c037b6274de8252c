import { ActorKind, AUDIT_ACTIONS, parseJobSubject, type Actor, type AuditAction, type EventEnvelope } from '@crux/contracts';
import { isIsoDate, isObject, isText, type Json } from './json.js';

/** A JOBS event the trail keeps: its type is one of the audit actions. */
export type RecordableEvent = EventEnvelope<AuditAction, Json>;

export type JobEventReading =
  /** An event the trail records. */
  | { kind: 'record'; event: RecordableEvent }
  /** A job event the trail does not keep (created, started, progress …). */
  | { kind: 'ignore' }
  /** A deletion-path message that can never be read: it is dropped with this reason. */
  | { kind: 'malformed'; reason: string };

const ACTOR_KINDS: readonly unknown[] = Object.values(ActorKind);

export function isAuditAction(value: unknown): value is AuditAction {
  return (AUDIT_ACTIONS as readonly unknown[]).includes(value);
}

/**
 * Reads one JOBS message for the trail. The subject alone decides whether the trail keeps
 * it, so the many progress events are never parsed; a kept event must agree with its
 * subject, which also makes its job id a valid token of the record's subject.
 */
export function readJobEvent(subject: string, payload: string): JobEventReading {
  const where = parseJobSubject(subject);
  if (!where || !isAuditAction(where.type)) return { kind: 'ignore' };
  let raw: unknown;
  try {
    raw = JSON.parse(payload);
  } catch {
    return { kind: 'malformed', reason: 'payload is not JSON' };
  }
  if (!isObject(raw)) return { kind: 'malformed', reason: 'payload is not a JSON object' };
  if (!isText(raw.id)) return { kind: 'malformed', reason: 'id must be a non-empty string' };
  if (raw.type !== where.type) return { kind: 'malformed', reason: `type ${String(raw.type)} does not match subject ${subject}` };
  if (raw.job_id !== where.jobId) return { kind: 'malformed', reason: `job_id ${String(raw.job_id)} does not match subject ${subject}` };
  if (!isIsoDate(raw.occurred_at)) return { kind: 'malformed', reason: 'occurred_at must be an ISO date' };
  if (!isActor(raw.actor)) return { kind: 'malformed', reason: 'actor must be {kind: user|service|system, id}' };
  if (!isObject(raw.data)) return { kind: 'malformed', reason: 'data must be an object' };
  return { kind: 'record', event: raw as unknown as RecordableEvent };
}

function isActor(value: unknown): value is Actor {
  return isObject(value) && ACTOR_KINDS.includes(value.kind) && isText(value.id);
}
