import { randomUUID } from 'node:crypto';
import type { Actor } from '../actor.js';
import type { EventEnvelope } from './job-events.js';

export interface EventCause {
  correlation_id?: string;
  causation_id?: string | null;
}

/** Builds an envelope with a fresh id; the id doubles as Nats-Msg-Id for de-duplication. */
export function makeEvent<T extends string, D>(
  type: T,
  jobId: string,
  actor: Actor,
  data: D,
  cause: EventCause = {},
  now: Date = new Date(),
): EventEnvelope<T, D> {
  return {
    id: randomUUID(),
    type,
    job_id: jobId,
    occurred_at: now.toISOString(),
    actor,
    correlation_id: cause.correlation_id ?? jobId,
    causation_id: cause.causation_id ?? null,
    data,
  };
}

/** The event that follows `cause` in the same job's story. */
export function followEvent<T extends string, D>(cause: EventEnvelope, type: T, actor: Actor, data: D): EventEnvelope<T, D> {
  return makeEvent(type, cause.job_id, actor, data, {
    correlation_id: cause.correlation_id,
    causation_id: cause.id,
  });
}
