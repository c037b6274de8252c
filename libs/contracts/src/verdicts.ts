/**
 * Verdicts on command events. A command (cancel, hold, release, restore, a deletion) is
 * decided against the job as its issuer last saw it, then published; another command on the
 * same job may reach JOBS first. job-state's projector applies JOBS in stream order and is
 * the judge: an event it refuses changed nothing, so the trail must not record it and the
 * command's answer must say why. These are the wire types of that verdict.
 */
import { JobEventType } from './events/job-events.js';

/** The event types whose effect depends on the job's state when applied: the ones judged. */
export const JUDGED_EVENT_TYPES: readonly JobEventType[] = [
  JobEventType.Cancel,
  JobEventType.Deleted,
  JobEventType.Restored,
  JobEventType.Held,
  JobEventType.Released,
];

export function isJudgedEventType(type: string): boolean {
  return (JUDGED_EVENT_TYPES as readonly string[]).includes(type);
}

export const RefusalReason = {
  /** No such job when the event arrived: deleted first, or never projected. */
  NoJob: 'no_job',
  /** The job was deleted: only a restore brings it back. */
  Deleted: 'deleted',
  /** The job's status does not allow it (a cancel of a finished job, a restore of a live one). */
  Status: 'status',
  /** A deletion of a job on legal hold. */
  Held: 'held',
  /** A hold of a held job, a release of one not held. */
  Unchanged: 'unchanged',
  /** Redis failed on it at every try (something else wrote at the job's key): set aside, it changed nothing. */
  NotApplied: 'not_applied',
} as const;
export type RefusalReason = (typeof RefusalReason)[keyof typeof RefusalReason];

/** Why the projection refused one event. */
export interface EventRefusal {
  event_id: string;
  job_id: string;
  type: JobEventType;
  reason: RefusalReason;
  /** The job's status when the event arrived; null when there was no job. */
  status: string | null;
  /** A sentence for people: what the command found. */
  message: string;
}

/** `job.state.verdicts` request: events by id and JOBS sequence. */
export interface VerdictsRequest {
  events: { id: string; seq: number }[];
}

/** Of the events asked about, those refused; every other one was applied. */
export interface VerdictsReply {
  refused: EventRefusal[];
}
