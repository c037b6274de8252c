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
} as const;

export const QueueGroup = { JobState: 'job-state' } as const;

export const Subjects = {
  jobEvent: (type: JobEventType, jobId: string) => `job.${type}.${jobId}`,
  eventsOfType: (type: JobEventType) => `job.${type}.*`,
  jobHistory: (jobId: string) => `job.*.${jobId}`,
  allJobEvents: 'job.>',
  /** What the JOBS stream stores: exactly the job event subjects. */
  jobsStreamSubjects: () => JOB_EVENT_TYPES.map((type) => `job.${type}.*`),
  stateGet: 'job.state.get',
  stateList: 'job.state.list',
} as const;

/** Splits `job.<event>.<id>` into its parts; null for anything else. */
export function parseJobSubject(subject: string): { type: string; jobId: string } | null {
  const parts = subject.split('.');
  if (parts.length !== 3 || parts[0] !== 'job') return null;
  return { type: parts[1], jobId: parts[2] };
}
