import { ActorKind, type Actor } from '@crux/contracts';
import { badRequest, type Checked } from './state-request-validation.js';

const ACTOR_KINDS: readonly unknown[] = Object.values(ActorKind);

/** A job id that can stand in a subject as one token (no wildcards, dots or spaces). */
export const isSubjectToken = (id: string) => id.length > 0 && !/[.*>\s]/.test(id);

export function checkActor(value: unknown): Checked<Actor> {
  const a = value as Record<string, unknown> | null | undefined;
  if (!a || typeof a !== 'object' || !ACTOR_KINDS.includes(a.kind) || typeof a.id !== 'string' || a.id === '') {
    return badRequest('actor must be {kind: user|service|system, id}: every deletion names who did it');
  }
  return { ok: true, value: { kind: a.kind as Actor['kind'], id: a.id } };
}

export function checkReason(value: unknown): Checked<string | null> {
  if (value === undefined || value === null) return { ok: true, value: null };
  if (typeof value !== 'string') return badRequest('reason must be a string');
  return { ok: true, value: value === '' ? null : value };
}

export interface JobCommand {
  actor: Actor;
  jobId: string;
  reason: string | null;
}

/** restore, hold, release: JobCommandRequest. */
export function checkJobCommand(request: unknown): Checked<JobCommand> {
  const r = (request ?? {}) as Record<string, unknown>;
  const actor = checkActor(r.actor);
  if (!actor.ok) return actor;
  if (typeof r.job_id !== 'string' || !isSubjectToken(r.job_id)) {
    return badRequest('job_id must be a non-empty string without dots, wildcards or spaces');
  }
  const reason = checkReason(r.reason);
  if (!reason.ok) return reason;
  return { ok: true, value: { actor: actor.value, jobId: r.job_id, reason: reason.value } };
}
