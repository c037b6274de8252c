import { DeletionReason, type GoneError, type JobCreated, type JobDeleted, type JobRestored } from '@crux/contracts';

export interface Stored<E> {
  seq: number;
  event: E;
}

/** The last `created`, `deleted` and `restored` of one job in JOBS (last_by_subj reads). */
export interface JobStreamFacts {
  created: Stored<JobCreated> | null;
  deleted: Stored<JobDeleted> | null;
  restored: Stored<JobRestored> | null;
}

/**
 * What a job without a key is, judged from its stream:
 * - `gone`: its history ends in a deletion (410);
 * - `unprojected`: its latest creating event (created, or a restore) is past what the
 *   projector has applied, so it exists but Redis does not show it yet (read-your-writes);
 * - `applied`: the projector has applied that event, so the key existed by the time the
 *   projector's position was read: a key read before that may simply have come too early.
 *   Read it again; still missing, the job vanished without a recorded deletion yet;
 * - `unknown`: never seen (no creating event in JOBS within retention): 404.
 */
export type MissingJob =
  | { kind: 'gone'; deletion: Stored<JobDeleted> }
  | { kind: 'unprojected'; by: Stored<JobCreated> | Stored<JobRestored> }
  | { kind: 'applied'; by: Stored<JobCreated> | Stored<JobRestored> }
  | { kind: 'unknown' };

export function classifyMissingJob(facts: JobStreamFacts, projectorAckFloor: number): MissingJob {
  const { created, deleted, restored } = facts;
  const by = restored && (!deleted || restored.seq > deleted.seq) ? restored : deleted ? null : created;
  if (by) return by.seq > projectorAckFloor ? { kind: 'unprojected', by } : { kind: 'applied', by };
  if (deleted) return { kind: 'gone', deletion: deleted };
  return { kind: 'unknown' };
}

/** Whether classifying needs the projector's ack floor (a consumer info round trip). */
export function needsAckFloor(facts: JobStreamFacts): boolean {
  const { created, deleted, restored } = facts;
  if (restored && (!deleted || restored.seq > deleted.seq)) return true;
  return !deleted && created !== null;
}

/** The 410 answer for a job whose history ends in `deletion`. */
export function goneError(jobId: string, deletion: Stored<JobDeleted>): GoneError {
  const { event } = deletion;
  return {
    status_code: 410,
    error: 'Gone',
    message: `job ${jobId} was deleted (${event.data.reason}) at ${event.occurred_at} by ${event.actor.id}`,
    deleted_at: event.occurred_at,
    reason: event.data.reason,
    actor: event.actor,
  };
}

/**
 * Why a key vanished when nobody in Crux deleted it and no notification says how: a job
 * whose deadline has passed expired (Redis's backstop, or the sweep was not running); any
 * other disappearance came from outside.
 */
export function missingKeyReason(deadlineMs: number | null, nowMs: number): DeletionReason {
  return deadlineMs !== null && deadlineMs <= nowMs ? DeletionReason.Ttl : DeletionReason.External;
}

/** The keyspace event names job-state listens to, and the reason each means. */
export const KEY_EVENT_REASON = {
  expired: DeletionReason.Ttl,
  del: DeletionReason.External,
} as const satisfies Record<string, DeletionReason>;
export type KeyEvent = keyof typeof KEY_EVENT_REASON;
