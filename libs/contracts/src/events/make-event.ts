import { randomUUID } from 'node:crypto';
import type { Actor } from '../actor.js';
import type { EventEnvelope } from './job-events.js';

export interface EventCause {
  correlation_id?: string;
  causation_id?: string | null;
  /**
   * The event's id when it derives from what the event records (one revoke per cancel, one
   * outcome per job …), so that a second publish of the same fact is stored once. Absent: a
   * fresh uuid.
   */
  id?: string;
}

/**
 * Builds an envelope; its id doubles as Nats-Msg-Id for de-duplication. `now` may be an ISO
 * string already, so a batch of events made at one time formats it once.
 */
export function makeEvent<T extends string, D>(
  type: T,
  jobId: string,
  actor: Actor,
  data: D,
  cause: EventCause = {},
  now: Date | string = new Date(),
): EventEnvelope<T, D> {
  return {
    id: cause.id ?? randomUUID(),
    type,
    job_id: jobId,
    occurred_at: typeof now === 'string' ? now : now.toISOString(),
    actor,
    correlation_id: cause.correlation_id ?? jobId,
    causation_id: cause.causation_id ?? null,
    data,
  };
}

/** The event that follows `cause` in the same job's story (under `id`, when it has a derived one). */
export function followEvent<T extends string, D>(cause: EventEnvelope, type: T, actor: Actor, data: D, id?: string): EventEnvelope<T, D> {
  return makeEvent(type, cause.job_id, actor, data, {
    correlation_id: cause.correlation_id,
    causation_id: cause.id,
    id,
  });
}
