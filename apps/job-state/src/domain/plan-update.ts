import {
  JOB_STATUSES,
  JobStatus,
  STATUS_TRANSITIONS,
  type JobCreated,
  type JobEvent,
  type JobEventType,
  type JobView,
} from '@crux/contracts';
import { assertNever } from './assert-never.js';
import { fromJobHash, toJobHash, type JobHash } from './job-hash.js';
import { ttlFor, type TtlSettings } from './ttl-policy.js';

/** Hash fields an event writes; `status` and `version` travel apart because the script owns them. */
export type EventFields = Partial<Omit<JobHash, 'status' | 'version'>>;

/** What the apply script must do for one event. Built without touching Redis. */
export interface PlannedUpdate {
  jobId: string;
  eventType: JobEventType;
  /** JOBS stream sequence: becomes the hash's `version`; an event at or below it is stale. */
  seq: number;
  /** Statuses the event may apply from (null: no job yet), straight from STATUS_TRANSITIONS. */
  allowedFrom: readonly (JobStatus | null)[];
  /** The status after the event; null when the event does not change status. */
  status: JobStatus | null;
  set: EventFields;
  /** Written only where the hash holds nothing yet (a restarted job keeps its first started_at). */
  setIfEmpty: EventFields;
  /** New TTL in seconds; null keeps the current one. */
  ttlS: number | null;
  /** Score in the time-ordered indexes, for the event that creates the job. */
  createdMs: number | null;
  /** Whose owner index receives the job, for the event that creates it. */
  owner: string | null;
}

/** The view a job has right after its `created` event: pending, nothing run yet. */
function createdView(event: JobCreated, seq: number): JobView {
  const d = event.data;
  return {
    job_id: event.job_id,
    status: JobStatus.Pending,
    created_at: event.occurred_at,
    started_at: null,
    completed_at: null,
    progress: 0,
    current_phase: null,
    result: null,
    error: null,
    partial_results: null,
    request: d.request,
    mode: d.mode,
    owner: d.owner,
    model_name: d.model_name ?? null,
    continued_from: d.continued_from ?? null,
    version: seq,
  };
}

function statusChange(
  event: JobEvent & { type: keyof typeof STATUS_TRANSITIONS },
  seq: number,
  settings: TtlSettings,
  set: EventFields,
  setIfEmpty: EventFields = {},
): PlannedUpdate {
  const rule = STATUS_TRANSITIONS[event.type];
  return {
    jobId: event.job_id,
    eventType: event.type,
    seq,
    allowedFrom: rule.from,
    status: rule.to,
    set,
    setIfEmpty,
    // Every status-changing event refreshes the TTL, so an active job never expires mid-run.
    ttlS: ttlFor(rule.to, settings),
    createdMs: null,
    owner: null,
  };
}

/** Turns one job event at stream sequence `seq` into what the apply script must do. */
export function planUpdate(event: JobEvent, seq: number, settings: TtlSettings): PlannedUpdate {
  switch (event.type) {
    case 'created': {
      const { status: _status, version: _version, ...fields } = toJobHash(createdView(event, seq));
      return {
        ...statusChange(event, seq, settings, fields),
        createdMs: Date.parse(event.occurred_at),
        owner: event.data.owner,
      };
    }
    case 'started':
      return statusChange(event, seq, settings, {}, { started_at: event.occurred_at });
    case 'progress': {
      const set: EventFields = {
        progress: String(event.data.progress),
        current_phase: event.data.current_phase,
      };
      if (event.data.partial_results !== undefined) set.partial_results = JSON.stringify(event.data.partial_results);
      return statusChange(event, seq, settings, set);
    }
    case 'completed':
      return statusChange(event, seq, settings, {
        completed_at: event.occurred_at,
        progress: '1',
        current_phase: 'completed',
        result: JSON.stringify(event.data.result),
      });
    case 'failed':
      return statusChange(event, seq, settings, { completed_at: event.occurred_at, error: event.data.error });
    case 'cancel':
      return statusChange(event, seq, settings, { completed_at: event.occurred_at });
    case 'revoked':
    case 'revoke_unconfirmed':
      // Facts about the worker, not the job's state: they only record that the job saw them.
      return {
        jobId: event.job_id,
        eventType: event.type,
        seq,
        allowedFrom: JOB_STATUSES,
        status: null,
        set: {},
        setIfEmpty: {},
        ttlS: null,
        createdMs: null,
        owner: null,
      };
    default:
      return assertNever(event, 'job event');
  }
}

/**
 * The hash a job holds after `plan` is applied to no job at all: the view of a job that
 * is created but not yet projected, built by the same code the projector uses.
 */
export function projectedFromNothing(plan: PlannedUpdate): JobView | null {
  if (!plan.allowedFrom.includes(null) || plan.status === null) return null;
  return fromJobHash({ ...plan.set, ...plan.setIfEmpty, status: plan.status, version: String(plan.seq) }, plan.ttlS);
}
