import {
  contentHash,
  DELETION_ARCHIVES,
  DeletionArchive,
  deletedJobFactsOf,
  deletionArchiveOf,
  type AuditRecordBody,
  type JobDeletedData,
} from '@crux/contracts';
import { assertNever } from './assert-never.js';
import type { RecordableEvent } from './job-event-reading.js';
import { isObject, type Json } from './json.js';

/** Longest reason or detail text kept; reasons are short notes, never content. */
export const MAX_TEXT = 1024;

const SHA256_HEX = /^[0-9a-f]{64}$/;

type Scalar = string | number | boolean | null;

/**
 * The record an event becomes, chained to `prevHash`. Only metadata crosses over: a
 * deletion's snapshot, a request or a result is never copied, only hashed, so the
 * permanent trail holds no job content even when the job itself was erased.
 */
export function recordBody(event: RecordableEvent, prevHash: string, recordedAt: Date): AuditRecordBody {
  const { reason, contentHash: hash, details } = describe(event);
  return {
    action: event.type,
    job_id: event.job_id,
    actor: { kind: event.actor.kind, id: event.actor.id },
    reason,
    occurred_at: event.occurred_at,
    recorded_at: recordedAt.toISOString(),
    source_event_id: event.id,
    content_hash: hash,
    details,
    prev_hash: prevHash,
  };
}

interface Description {
  reason: string | null;
  contentHash: string | null;
  details: Json;
}

function describe(event: RecordableEvent): Description {
  const data = event.data;
  const type = event.type;
  switch (type) {
    case 'cancel':
    case 'held':
    case 'released':
      return { reason: text(data.reason), contentHash: null, details: {} };
    case 'revoked':
      return {
        reason: text(data.outcome),
        contentHash: null,
        details: pick(data, ['terminated', 'signal', 'pid', 'worker_id', 'took_ms']),
      };
    case 'revoke_unconfirmed':
      return { reason: text(data.detail), contentHash: null, details: pick(data, ['worker_id', 'waited_ms']) };
    case 'deleted': {
      // Read as the event's own shape allows: the snapshot (older events) or the facts.
      const deleted = {
        snapshot: isObject(data.snapshot) ? data.snapshot : null,
        archive: (DELETION_ARCHIVES as readonly unknown[]).includes(data.archive) ? data.archive : undefined,
        job: isObject(data.job) ? data.job : null,
      } as unknown as JobDeletedData;
      return {
        reason: text(data.reason),
        contentHash: sha256Text(data.content_hash),
        // Whether the job was archived (in the event, or as its history) says whether it can still be restored.
        details: {
          ...pick(data, ['plan_id']),
          archived: deletionArchiveOf(deleted) !== DeletionArchive.None,
          ...snapshotFacts(deletedJobFactsOf(deleted)),
        },
      };
    }
    case 'restored':
      return {
        reason: text(data.reason),
        // Named as its deletion named it; an older event is hashed here.
        contentHash: sha256Text(data.content_hash) ?? (isObject(data.snapshot) ? contentHash(data.snapshot) : null),
        details: { ...pick(data, ['from_event_id']), ...snapshotFacts(data.snapshot) },
      };
    case 'purge_planned':
      return {
        reason: text(data.reason),
        contentHash: null,
        details: { ...pick(data, ['plan_id', 'count', 'erase', 'expires_at', 'ids_hash']), ...filterFacts(data.filter) },
      };
    case 'purge_confirmed':
      return { reason: null, contentHash: null, details: pick(data, ['plan_id', 'count', 'erase', 'ids_hash']) };
    default:
      return assertNever(type, 'audit action');
  }
}

/** Who owned the job and what state it was in: enough to answer "whose job, how far along". */
function snapshotFacts(snapshot: unknown): Json {
  return isObject(snapshot) ? pick(snapshot, ['owner', 'status', 'mode', 'created_at']) : {};
}

/** A purge filter without its id list (possibly thousands): the ids_hash pins that list. */
function filterFacts(filter: unknown): Json {
  if (!isObject(filter)) return {};
  const facts: Json = {};
  if (Array.isArray(filter.status))
    facts.filter_status = filter.status
      .filter((s) => typeof s === 'string')
      .slice(0, 16)
      .map((s) => clip(s));
  const olderThan = scalar(filter.older_than_s);
  if (olderThan !== undefined) facts.filter_older_than_s = olderThan;
  if (Array.isArray(filter.job_ids)) facts.filter_job_ids = filter.job_ids.length;
  return facts;
}

/** The named fields whose values are scalars; anything structured is left out. */
function pick(data: Json, keys: readonly string[]): Json {
  const picked: Json = {};
  for (const key of keys) {
    const value = scalar(data[key]);
    if (value !== undefined) picked[key] = value;
  }
  return picked;
}

function scalar(value: unknown): Scalar | undefined {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') return clip(value);
  return undefined;
}

function sha256Text(value: unknown): string | null {
  return typeof value === 'string' && SHA256_HEX.test(value) ? value : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? clip(value) : null;
}

function clip(value: string): string {
  return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT - 1)}…` : value;
}
