import type { Actor, EventEnvelope } from '@crux/contracts';
import { randomUUID } from 'node:crypto';
import type { JobStreamEvent } from '../../src/sse/follow-job.js';

/** An event envelope as the services publish it. */
export function envelope(jobId: string, type: string, data: unknown, actor: Actor = { kind: 'service', id: 'worker-1' }): EventEnvelope {
  return {
    id: randomUUID(),
    type,
    job_id: jobId,
    occurred_at: new Date().toISOString(),
    actor,
    correlation_id: jobId,
    causation_id: null,
    data,
  };
}

export function streamEvent(seq: number, type: string, data: unknown, actor?: Actor): JobStreamEvent {
  const env = envelope('job-1', type, data, actor);
  return { id: String(seq), type, envelope: env, raw: JSON.stringify(env) };
}
