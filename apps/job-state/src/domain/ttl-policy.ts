import { JobStatus, type Settings } from '@crux/contracts';
import { assertNever } from './assert-never.js';

export type TtlSettings = Pick<Settings, 'ttlActiveS' | 'ttlCompletedS' | 'ttlFailedS' | 'ttlCancelledS'>;

/**
 * Seconds a job's live state may stay in Redis once it reaches `status`. Active jobs get a
 * safety TTL that every event refreshes, so nothing expires mid-run; terminal jobs keep
 * their key for the per-status retention.
 */
export function ttlFor(status: JobStatus, settings: TtlSettings): number {
  switch (status) {
    case JobStatus.Pending:
    case JobStatus.Running:
      return settings.ttlActiveS;
    case JobStatus.Completed:
      return settings.ttlCompletedS;
    case JobStatus.Failed:
      return settings.ttlFailedS;
    case JobStatus.Cancelled:
      return settings.ttlCancelledS;
    default:
      return assertNever(status, 'job status');
  }
}
