import {
  deletedJobFactsOf,
  DeletionReason,
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

interface PlanBase {
  jobId: string;
  /** The event's id: what the trail and a refusal name it by. */
  eventId: string;
  eventType: JobEventType;
  /** JOBS stream sequence: becomes the hash's `version`; an event at or below it is stale. */
  seq: number;
}

/** A lifecycle event (created … revoke_unconfirmed): apply-events.lua. */
export interface ApplyPlan extends PlanBase {
  kind: 'apply';
  /** Statuses the event may apply from (null: no job yet), straight from STATUS_TRANSITIONS. */
  allowedFrom: readonly (JobStatus | null)[];
  /** The status after the event; null when the event does not change status. */
  status: JobStatus | null;
  set: EventFields;
  /** Written only where the hash holds nothing yet (a restarted job keeps its first started_at). */
  setIfEmpty: EventFields;
  /** New TTL in seconds; null keeps the current one. A held job keeps no TTL whatever this says. */
  ttlS: number | null;
  /** Score in the time-ordered indexes, for the event that creates the job. */
  createdMs: number | null;
  /** Whose owner index receives the job, for the event that creates it. */
  owner: string | null;
  /** A cancel: a job cancelled while running awaits its worker's `revoked` (revoke_pending). */
  awaitsRevoke: boolean;
  /** A worker's answer to a cancel (revoked, revoke_unconfirmed): the wait is over. */
  endsRevokeWait: boolean;
}

/** `deleted`: the key and every index entry go, a tombstone stays (delete-jobs.lua). */
export interface DeletePlan extends PlanBase {
  kind: 'delete';
  /** From the event (its snapshot or facts), for the owner index when the hash is already gone; null when erased. */
  owner: string | null;
  /** What must still be true for the deletion to happen (deletionNeeds). */
  needs: DeletionNeeds;
  /** The purge plan that deleted it, whose counts a refusal corrects; null for other deletions. */
  planId: string | null;
}

/**
 * What a deletion needs to find, or it is refused and never recorded: a purge or erase the
 * live, unheld job its plan chose; a TTL expiry a job not put on hold since (the key may be
 * gone already: Redis's own expiry is the backstop); an external deletion nothing (it
 * reports a key already gone).
 */
export type DeletionNeeds = 'live' | 'unheld' | '';

export function deletionNeeds(reason: DeletionReason): DeletionNeeds {
  switch (reason) {
    case DeletionReason.Purge:
    case DeletionReason.Erase:
      return 'live';
    case DeletionReason.Ttl:
      return 'unheld';
    case DeletionReason.External:
      return '';
    default:
      return assertNever(reason, 'deletion reason');
  }
}

/** `restored`: the archived snapshot becomes the live job again (restore-job-10.lua). */
export interface RestorePlan extends PlanBase {
  kind: 'restore';
  fields: Omit<JobHash, 'version'>;
  status: JobStatus;
  /** The TTL of its status, counted afresh from the restore. */
  ttlS: number;
  held: boolean;
  createdMs: number;
  owner: string;
}

/** `held` / `released` (set-hold-2.lua). */
export interface HoldPlan extends PlanBase {
  kind: 'hold';
  held: boolean;
  /** A release puts back the TTL of whatever status the job has then. */
  ttlByStatus: Record<JobStatus, number>;
}

/** Events that are not about one job's state (purge plans): acknowledged, nothing written. */
export interface SkipPlan extends PlanBase {
  kind: 'skip';
}

/** What one event asks of Redis. Built without touching Redis. */
export type PlannedUpdate = ApplyPlan | DeletePlan | RestorePlan | HoldPlan | SkipPlan;

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
    held: false,
  };
}

function statusChange(
  event: JobEvent & { type: keyof typeof STATUS_TRANSITIONS },
  seq: number,
  settings: TtlSettings,
  set: EventFields,
  setIfEmpty: EventFields = {},
): ApplyPlan {
  const rule = STATUS_TRANSITIONS[event.type];
  return {
    kind: 'apply',
    jobId: event.job_id,
    eventId: event.id,
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
    awaitsRevoke: event.type === 'cancel',
    endsRevokeWait: false,
  };
}

export function ttlTable(settings: TtlSettings): Record<JobStatus, number> {
  return Object.fromEntries(JOB_STATUSES.map((s) => [s, ttlFor(s, settings)])) as Record<JobStatus, number>;
}

/** Turns one job event at stream sequence `seq` into what Redis must do. */
export function planUpdate(event: JobEvent, seq: number, settings: TtlSettings): PlannedUpdate {
  const base = { jobId: event.job_id, eventId: event.id, eventType: event.type, seq };
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
        ...base,
        kind: 'apply',
        allowedFrom: JOB_STATUSES,
        status: null,
        set: {},
        setIfEmpty: {},
        ttlS: null,
        createdMs: null,
        owner: null,
        awaitsRevoke: false,
        endsRevokeWait: true,
      };
    case 'deleted':
      return {
        ...base,
        kind: 'delete',
        owner: deletedJobFactsOf(event.data)?.owner ?? null,
        needs: deletionNeeds(event.data.reason),
        planId: event.data.plan_id ?? null,
      };
    case 'restored': {
      const snapshot = event.data.snapshot;
      const { version: _version, ...fields } = toJobHash(snapshot);
      return {
        ...base,
        kind: 'restore',
        fields,
        status: snapshot.status,
        ttlS: ttlFor(snapshot.status, settings),
        held: snapshot.held === true,
        createdMs: Date.parse(snapshot.created_at),
        owner: snapshot.owner,
      };
    }
    case 'held':
    case 'released':
      return { ...base, kind: 'hold', held: event.type === 'held', ttlByStatus: ttlTable(settings) };
    case 'purge_planned':
    case 'purge_confirmed':
      // Their job_id is a plan id: the jobs they concern are deleted by their own events.
      return { ...base, kind: 'skip' };
    default:
      return assertNever(event, 'job event');
  }
}

/**
 * The hash a job holds after `plan` is applied to no job at all: the view of a job that
 * is created but not yet projected, built by the same code the projector uses.
 */
export function projectedFromNothing(plan: PlannedUpdate): JobView | null {
  if (plan.kind === 'restore') return fromJobHash({ ...plan.fields, version: String(plan.seq) }, plan.held ? null : plan.ttlS);
  if (plan.kind !== 'apply' || !plan.allowedFrom.includes(null) || plan.status === null) return null;
  return fromJobHash({ ...plan.set, ...plan.setIfEmpty, status: plan.status, version: String(plan.seq) }, plan.ttlS);
}
