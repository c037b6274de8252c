import {
  contentHash,
  deterministicId,
  makeEvent,
  systemActor,
  type Actor,
  type DeletionReason,
  type JobCancelled,
  type JobDeleted,
  type JobRestored,
  type JobRevoked,
  type JobRevokeUnconfirmed,
  type JobView,
} from '@crux/contracts';

/** Who job-state is in the events it publishes on its own account (expiry, detection, revokes). */
export const JOB_STATE_ACTOR: Actor = systemActor('job-state');

/**
 * Ids are derived from what the event is about, never random, wherever two job-state replicas
 * (or one retrying after a restart) may publish the same fact: the stream stores it once
 * (Nats-Msg-Id de-duplication) and the audit trail records it once.
 */
export const EventIds = {
  /** One deletion per live version of a job (a restore starts a new version). */
  deleted: (jobId: string, version: number) => deterministicId('deleted', jobId, version),
  restored: (jobId: string, deletedSeq: number) => deterministicId('restored', jobId, deletedSeq),
  revoked: (jobId: string) => deterministicId('revoked', jobId),
  revokeUnconfirmed: (jobId: string) => deterministicId('revoke_unconfirmed', jobId),
  purgeConfirmed: (planId: string) => deterministicId('purge_confirmed', planId),
};

export interface DeletionInput {
  jobId: string;
  reason: DeletionReason;
  /** The job as it was; null only when it could not be rebuilt (its history is past retention). */
  snapshot: JobView | null;
  actor: Actor;
  planId: string | null;
  /** Erase: the event keeps only the content hash, never the content. */
  erase: boolean;
}

export function deletionEvent(input: DeletionInput, now = new Date()): JobDeleted {
  const { jobId, reason, snapshot, actor, planId, erase } = input;
  const event = makeEvent(
    'deleted',
    jobId,
    actor,
    { reason, snapshot: erase ? null : snapshot, content_hash: contentHash(snapshot), plan_id: planId },
    { correlation_id: jobId, causation_id: null },
    now,
  );
  return { ...event, id: EventIds.deleted(jobId, snapshot?.version ?? 0) };
}

export function restoredEvent(jobId: string, snapshot: JobView, from: { seq: number; event: JobDeleted }, actor: Actor, reason: string | null): JobRestored {
  const event = makeEvent('restored', jobId, actor, { snapshot, from_event_id: from.event.id, reason }, { causation_id: from.event.id });
  return { ...event, id: EventIds.restored(jobId, from.seq) };
}

/** job-state answers a cancel of a job no worker has started: it never will be. */
export function notStartedRevoke(cancel: JobCancelled): JobRevoked {
  const event = makeEvent(
    'revoked',
    cancel.job_id,
    JOB_STATE_ACTOR,
    { terminated: false, outcome: 'not-started' as const, signal: null, pid: null, worker_id: 'job-state', took_ms: 0 },
    { correlation_id: cancel.correlation_id, causation_id: cancel.id },
  );
  return { ...event, id: EventIds.revoked(cancel.job_id) };
}

export function revokeUnconfirmedEvent(jobId: string, workerId: string | null, waitedMs: number): JobRevokeUnconfirmed {
  const who = workerId ? `worker ${workerId} did not confirm` : 'no worker confirmed';
  const event = makeEvent('revoke_unconfirmed', jobId, JOB_STATE_ACTOR, {
    worker_id: workerId,
    waited_ms: waitedMs,
    detail: `${who} the revoke of running job ${jobId} within ${waitedMs} ms of its cancel; the job stays cancelled`,
  });
  return { ...event, id: EventIds.revokeUnconfirmed(jobId) };
}
