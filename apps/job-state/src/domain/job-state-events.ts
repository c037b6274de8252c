import {
  contentHash,
  DeletionArchive,
  deterministicId,
  makeEvent,
  systemActor,
  type Actor,
  type DeletedJobFacts,
  type DeletionReason,
  type JobCancelled,
  type JobDeleted,
  type JobRestored,
  type JobRevoked,
  type JobRevokeUnconfirmed,
  type JobView,
} from '@crux/contracts';
import { jobContentHash, toJobHash } from './job-hash.js';

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

const factsOf = (view: JobView): DeletedJobFacts => ({
  owner: view.owner,
  status: view.status,
  mode: view.mode,
  created_at: view.created_at,
  version: view.version,
});

/** A deletion that archives the job's snapshot in the event (expiry, a key removed outside Crux). */
export function deletionEvent(input: DeletionInput, now = new Date()): JobDeleted {
  const { jobId, reason, snapshot, actor, planId, erase } = input;
  const archive = !snapshot || erase ? DeletionArchive.None : DeletionArchive.Snapshot;
  return makeEvent(
    'deleted',
    jobId,
    actor,
    {
      reason,
      snapshot: archive === DeletionArchive.Snapshot ? snapshot : null,
      archive,
      job: snapshot && !erase ? factsOf(snapshot) : null,
      content_hash: snapshot ? jobContentHash(toJobHash(snapshot)) : contentHash(null),
      plan_id: planId,
    },
    { correlation_id: jobId, causation_id: null, id: EventIds.deleted(jobId, snapshot?.version ?? 0) },
    now,
  );
}

export interface ReferenceDeletionInput {
  jobId: string;
  reason: DeletionReason;
  /** The job's facts, read from its hash. */
  job: DeletedJobFacts;
  /** jobContentHash of the job as stored. */
  contentHash: string;
  actor: Actor;
  planId: string | null;
  /** Erase: not even the facts; only the content hash is kept. */
  erase: boolean;
}

/**
 * A purge's deletion of a job whose history stays in JOBS: it names the job (its facts and
 * content hash, a few hundred bytes) instead of copying it; a restore replays the history.
 * A purge makes one per job: `now` may be the batch's time as an ISO string, formatted once.
 */
export function referenceDeletionEvent(input: ReferenceDeletionInput, now: Date | string = new Date()): JobDeleted {
  const { jobId, reason, job, contentHash: hash, actor, planId, erase } = input;
  return makeEvent(
    'deleted',
    jobId,
    actor,
    {
      reason,
      snapshot: null,
      archive: erase ? DeletionArchive.None : DeletionArchive.History,
      job: erase ? null : job,
      content_hash: hash,
      plan_id: planId,
    },
    { correlation_id: jobId, causation_id: null, id: EventIds.deleted(jobId, job.version) },
    now,
  );
}

/**
 * How a purge archives a job: by reference to its history in JOBS while that history stays
 * there at least half the retention (it leaves JOBS a retention after the job was created);
 * an older job carries its snapshot, so every purged job stays restorable at least that long.
 */
export function purgeArchive(
  createdMs: number,
  nowMs: number,
  retentionS: number,
): typeof DeletionArchive.History | typeof DeletionArchive.Snapshot {
  return Number.isFinite(createdMs) && createdMs > nowMs - (retentionS * 1000) / 2 ? DeletionArchive.History : DeletionArchive.Snapshot;
}

export function restoredEvent(
  jobId: string,
  snapshot: JobView,
  from: { seq: number; event: JobDeleted },
  actor: Actor,
  reason: string | null,
): JobRestored {
  const content_hash = jobContentHash(toJobHash(snapshot));
  return makeEvent(
    'restored',
    jobId,
    actor,
    { snapshot, from_event_id: from.event.id, reason, content_hash },
    { causation_id: from.event.id, id: EventIds.restored(jobId, from.seq) },
  );
}

/** job-state answers a cancel of a job no worker has started: it never will be. */
export function notStartedRevoke(cancel: JobCancelled): JobRevoked {
  return makeEvent(
    'revoked',
    cancel.job_id,
    JOB_STATE_ACTOR,
    { terminated: false, outcome: 'not-started' as const, signal: null, pid: null, worker_id: 'job-state', took_ms: 0 },
    { correlation_id: cancel.correlation_id, causation_id: cancel.id, id: EventIds.revoked(cancel.job_id) },
  );
}

export function revokeUnconfirmedEvent(jobId: string, workerId: string | null, waitedMs: number): JobRevokeUnconfirmed {
  const who = workerId ? `worker ${workerId} did not confirm` : 'no worker confirmed';
  return makeEvent(
    'revoke_unconfirmed',
    jobId,
    JOB_STATE_ACTOR,
    {
      worker_id: workerId,
      waited_ms: waitedMs,
      detail: `${who} the revoke of running job ${jobId} within ${waitedMs} ms of its cancel; the job stays cancelled`,
    },
    { id: EventIds.revokeUnconfirmed(jobId) },
  );
}
