import { isJudgedEventType, RefusalReason, type EventRefusal } from '@crux/contracts';
import { ApplyCode } from '../redis/apply-code.js';
import type { PlannedUpdate } from './plan-update.js';

const REASON_BY_CODE: Partial<Record<ApplyCode, RefusalReason>> = {
  [ApplyCode.Rejected]: RefusalReason.Status,
  [ApplyCode.NoJob]: RefusalReason.NoJob,
  [ApplyCode.Tombstoned]: RefusalReason.Deleted,
  [ApplyCode.Held]: RefusalReason.Held,
  [ApplyCode.Unchanged]: RefusalReason.Unchanged,
};

/**
 * The refusal of a command event the apply script did not apply, or null: applied and stale
 * (a redelivery of an applied event) are not refusals, and only judged event types (the
 * commands) have verdicts — a progress after completed is simply ignored.
 */
export function refusalOf(plan: PlannedUpdate, code: ApplyCode, status: string | null): EventRefusal | null {
  if (!isJudgedEventType(plan.eventType)) return null;
  const reason = REASON_BY_CODE[code];
  if (!reason) return null;
  return {
    event_id: plan.eventId,
    job_id: plan.jobId,
    type: plan.eventType,
    reason,
    status,
    message: refusalMessage(plan, reason, status),
  };
}

/**
 * The refusal of a command event the projector set aside: Redis failed on it at every try
 * (`error`; something else wrote at the job's key, say), so it changed nothing. Null for an
 * event that is not a command: a lifecycle event set aside is applied later instead.
 */
export function notAppliedRefusal(plan: PlannedUpdate, error: string): EventRefusal | null {
  if (!isJudgedEventType(plan.eventType)) return null;
  return {
    event_id: plan.eventId,
    job_id: plan.jobId,
    type: plan.eventType,
    reason: RefusalReason.NotApplied,
    status: null,
    message: `${refusalMessage(plan, RefusalReason.NotApplied, null)} (${error})`,
  };
}

function refusalMessage(plan: PlannedUpdate, reason: RefusalReason, status: string | null): string {
  const job = `job ${plan.jobId}`;
  switch (reason) {
    case RefusalReason.NoJob:
      return `${job} was no longer there when its ${plan.eventType} arrived`;
    case RefusalReason.Deleted:
      return `${job} had been deleted when its ${plan.eventType} arrived`;
    case RefusalReason.Status:
      return plan.eventType === 'restored'
        ? `${job} is live; only a deleted job can be restored`
        : `${job} had already ${status ?? 'ended'}`;
    case RefusalReason.Held:
      return `${job} is on legal hold; it was not deleted`;
    case RefusalReason.Unchanged:
      return plan.eventType === 'held' ? `${job} is already on hold` : `${job} is not on hold`;
    case RefusalReason.NotApplied:
      return `the ${plan.eventType} of ${job} could not be applied and was set aside; it changed nothing`;
  }
}
