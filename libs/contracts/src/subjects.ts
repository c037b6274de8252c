/**
 * Every NATS subject and stream name Crux uses, in one place.
 *
 * Job events are `job.<event>.<job_id>`: `job.*.<id>` is one job's whole history and
 * `job.deleted.>` every deletion. Request/reply subjects live under `job.state.*`, which the
 * JOBS stream does not capture because it lists its event subjects one by one (a stream on
 * `job.>` would store every request and answer it with a PubAck).
 */
import { JOB_EVENT_TYPES, type JobEventType } from './events/job-events.js';

export const StreamName = { Jobs: 'JOBS', Audit: 'AUDIT' } as const;

export const ConsumerName = {
  /** job-state's projection of every job event into Redis; shared by job-state replicas. */
  Projector: 'job-state-projector',
  /** The work queue of `job.created` shared by every worker. */
  Workers: 'workers',
  /**
   * The audit service's single reading of every JOBS event, before it read one consumer per
   * recorded type (`auditConsumerName`); kept only to carry its position over and remove it.
   */
  LegacyAudit: 'audit-recorder',
} as const;

/**
 * The audit service's durable consumer of one event type it records (`audit-recorder-deleted`
 * …); shared by audit replicas. One per type, since nats-server 2.9 takes one filter per consumer.
 */
export function auditConsumerName(eventType: string): string {
  return `${ConsumerName.LegacyAudit}-${eventType}`;
}

export const QueueGroup = { JobState: 'job-state', Audit: 'audit' } as const;

export const Subjects = {
  jobEvent: (type: JobEventType, jobId: string) => `job.${type}.${jobId}`,
  eventsOfType: (type: JobEventType) => `job.${type}.*`,
  jobHistory: (jobId: string) => `job.*.${jobId}`,
  allJobEvents: 'job.>',
  /** What the JOBS stream stores: exactly the job event subjects. */
  jobsStreamSubjects: () => JOB_EVENT_TYPES.map((type) => `job.${type}.*`),
  stateGet: 'job.state.get',
  /** Several jobs' status in one request (the worker, before running the jobs it fetched). */
  stateGetMany: 'job.state.get_many',
  stateList: 'job.state.list',
  statePurgePlan: 'job.state.purge_plan',
  statePurgeConfirm: 'job.state.purge_confirm',
  statePurgeStatus: 'job.state.purge_status',
  stateRestore: 'job.state.restore',
  stateHold: 'job.state.hold',
  stateRelease: 'job.state.release',
  /** Operators: rebuild the live state in Redis from JOBS (restores what is missing or older). */
  stateRebuild: 'job.state.rebuild',
  /** Progress of the latest rebuild. */
  stateRebuildStatus: 'job.state.rebuild_status',
  /** Which of some JOBS events the projection refused (the audit, before recording them). */
  stateVerdicts: 'job.state.verdicts',
  /** Trail records: `audit.<action>.<job_id>`; the AUDIT stream stores exactly `audit.*.*`. */
  auditRecord: (action: string, jobId: string) => `audit.${action}.${jobId}`,
  auditStreamSubjects: () => ['audit.*.*'],
  auditOfJob: (jobId: string) => `audit.*.${jobId}`,
  auditOfAction: (action: string) => `audit.${action}.*`,
  /** Requests have two tokens, so the AUDIT stream never captures them. */
  auditQuery: 'audit.query',
  auditVerify: 'audit.verify',
} as const;

/** Splits `job.<event>.<id>` into its parts; null for anything else. */
export function parseJobSubject(subject: string): { type: string; jobId: string } | null {
  const parts = subject.split('.');
  if (parts.length !== 3 || parts[0] !== 'job') return null;
  return { type: parts[1], jobId: parts[2] };
}
