/**
 * Job status and the status state machine, as pure functions.
 *
 * Status moves only pending → running → completed | failed, or pending | running →
 * cancelled (and pending → failed when a job can never be started). Terminal states never
 * change, so a late `completed` for a cancelled job is rejected.
 */
export const JobStatus = {
  Pending: 'pending',
  Running: 'running',
  Completed: 'completed',
  Failed: 'failed',
  Cancelled: 'cancelled',
} as const;
export type JobStatus = (typeof JobStatus)[keyof typeof JobStatus];

export const JOB_STATUSES: readonly JobStatus[] = Object.values(JobStatus);
export const TERMINAL_STATUSES: readonly JobStatus[] = [JobStatus.Completed, JobStatus.Failed, JobStatus.Cancelled];
export const ACTIVE_STATUSES: readonly JobStatus[] = [JobStatus.Pending, JobStatus.Running];

export function isJobStatus(value: unknown): value is JobStatus {
  return typeof value === 'string' && (JOB_STATUSES as readonly string[]).includes(value);
}

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** The event types that move a job's status, and where each may move it from and to. */
export const STATUS_TRANSITIONS = {
  // `null` is "no job yet": only creation brings a job into being.
  created: { from: [null], to: JobStatus.Pending },
  // running → running: a redelivered job restarted by another worker after a crash.
  started: { from: [JobStatus.Pending, JobStatus.Running], to: JobStatus.Running },
  progress: { from: [JobStatus.Running], to: JobStatus.Running },
  completed: { from: [JobStatus.Running], to: JobStatus.Completed },
  failed: { from: [JobStatus.Pending, JobStatus.Running], to: JobStatus.Failed },
  cancel: { from: [JobStatus.Pending, JobStatus.Running], to: JobStatus.Cancelled },
} as const satisfies Record<string, { from: readonly (JobStatus | null)[]; to: JobStatus }>;

export type StatusChangingEvent = keyof typeof STATUS_TRANSITIONS;

export function changesStatus(eventType: string): eventType is StatusChangingEvent {
  return Object.prototype.hasOwnProperty.call(STATUS_TRANSITIONS, eventType);
}

export type TransitionResult = { accepted: true; status: JobStatus } | { accepted: false; status: JobStatus | null; reason: string };

/** Decides whether `eventType` may be applied to a job whose status is `current`. */
export function transition(current: JobStatus | null, eventType: StatusChangingEvent): TransitionResult {
  const rule = STATUS_TRANSITIONS[eventType];
  if ((rule.from as readonly (JobStatus | null)[]).includes(current)) {
    return { accepted: true, status: rule.to };
  }
  const reason = current === null ? `job does not exist, so '${eventType}' cannot apply` : `a ${current} job cannot take '${eventType}'`;
  return { accepted: false, status: current, reason };
}
