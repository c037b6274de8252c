/**
 * The permanent deletion trail: record shape, hash chain and offline verification, as
 * pure functions shared by the audit service (which appends) and the CLI (which verifies
 * an export offline).
 */
import { hash } from 'node:crypto';
import type { Actor } from './actor.js';
import { canonicalJson } from './canonical-json.js';
import { JobEventType } from './events/job-events.js';

/** What the trail records: each action is the JOBS event type its record was made from. */
export const AuditAction = {
  Cancel: JobEventType.Cancel,
  Revoked: JobEventType.Revoked,
  RevokeUnconfirmed: JobEventType.RevokeUnconfirmed,
  Deleted: JobEventType.Deleted,
  Restored: JobEventType.Restored,
  Held: JobEventType.Held,
  Released: JobEventType.Released,
  PurgePlanned: JobEventType.PurgePlanned,
  PurgeConfirmed: JobEventType.PurgeConfirmed,
} as const satisfies Record<string, JobEventType>;
export type AuditAction = (typeof AuditAction)[keyof typeof AuditAction];
export const AUDIT_ACTIONS: readonly AuditAction[] = Object.values(AuditAction);

/** The hash the first record chains from. */
export const GENESIS_HASH = '0'.repeat(64);

/** One record of the trail. Metadata only: never a job's content, only its hash. */
export interface AuditRecordBody {
  action: AuditAction;
  /** The job, or the plan id for purge_planned / purge_confirmed. */
  job_id: string;
  actor: Actor;
  /** Why: the deletion reason (purge, ttl, external, erase), a cancel's reason, … */
  reason: string | null;
  occurred_at: string;
  recorded_at: string;
  /** The JOBS event this record was made from; a redelivered event never yields a second record. */
  source_event_id: string;
  /** sha256 of the job's content where the event carried it (deletions). */
  content_hash: string | null;
  /** Small metadata: plan id, counts, signal, pid … never request or result text. */
  details: Record<string, unknown>;
  prev_hash: string;
}

export interface AuditRecord extends AuditRecordBody {
  hash: string;
  /** Position in the AUDIT stream; not part of the hash (the chain itself orders records). */
  sequence?: number;
}

/** sha256 of `prev_hash` followed by the canonical JSON of every other field of the record. */
export function hashRecord(body: AuditRecordBody): string {
  return hash('sha256', body.prev_hash + hashedJson(body), 'hex');
}

export function sealRecord(body: AuditRecordBody): AuditRecord {
  return { ...body, hash: hashRecord(body) };
}

/**
 * canonicalJson of the hashed fields (all but prev_hash). A record of the usual shape (string
 * fields, an actor of two strings, details an object) is written out with its keys in the
 * order canonicalJson sorts them, instead of sorting at run time: the same bytes, at a
 * fraction of the CPU a purge paid per record. Any other shape takes canonicalJson itself.
 */
function hashedJson(body: AuditRecordBody): string {
  const { action, job_id, actor, reason, occurred_at, recorded_at, source_event_id, content_hash, details } = body;
  if (
    typeof action !== 'string' ||
    typeof job_id !== 'string' ||
    !plainActor(actor) ||
    !(reason === null || typeof reason === 'string') ||
    typeof occurred_at !== 'string' ||
    typeof recorded_at !== 'string' ||
    typeof source_event_id !== 'string' ||
    !(content_hash === null || typeof content_hash === 'string') ||
    typeof details !== 'object' ||
    details === null ||
    Array.isArray(details)
  ) {
    return canonicalJson({ action, job_id, actor, reason, occurred_at, recorded_at, source_event_id, content_hash, details });
  }
  return (
    `{"action":${JSON.stringify(action)},"actor":{"id":${JSON.stringify(actor.id)},"kind":${JSON.stringify(actor.kind)}}` +
    `,"content_hash":${JSON.stringify(content_hash)},"details":${canonicalJson(details)},"job_id":${JSON.stringify(job_id)}` +
    `,"occurred_at":${JSON.stringify(occurred_at)},"reason":${JSON.stringify(reason)},"recorded_at":${JSON.stringify(recorded_at)}` +
    `,"source_event_id":${JSON.stringify(source_event_id)}}`
  );
}

/** An actor of exactly two string fields (id, kind), as every event carries it. */
function plainActor(actor: Actor): boolean {
  if (typeof actor !== 'object' || actor === null || typeof actor.id !== 'string' || typeof actor.kind !== 'string') return false;
  let keys = 0;
  for (const key in actor) if (Object.hasOwn(actor, key)) keys++;
  return keys === 2;
}

export interface ChainVerdict {
  ok: boolean;
  records_checked: number;
  /** Sequence (or 1-based position when records carry none) of the first record that does not verify. */
  first_bad_sequence: number | null;
  problem: string | null;
}

/**
 * Walks records in order: each must chain from the previous hash and hash to what it
 * says. `startHash` lets a caller verify a slice that continues an earlier one.
 */
export function verifyChain(records: Iterable<AuditRecord>, startHash = GENESIS_HASH): ChainVerdict {
  let prev = startHash;
  let checked = 0;
  for (const record of records) {
    checked += 1;
    const where = record.sequence ?? checked;
    if (record.prev_hash !== prev) {
      return {
        ok: false,
        records_checked: checked,
        first_bad_sequence: where,
        problem: `record ${where} does not chain from the record before it`,
      };
    }
    if (hashRecord(record) !== record.hash) {
      return {
        ok: false,
        records_checked: checked,
        first_bad_sequence: where,
        problem: `record ${where} has been altered: its hash does not match its content`,
      };
    }
    prev = record.hash;
  }
  return { ok: true, records_checked: checked, first_bad_sequence: null, problem: null };
}

export interface AuditQuery {
  job_id?: string;
  action?: AuditAction;
  actor?: string;
  since?: string;
  until?: string;
  limit: number;
  /** Opaque: continue after the last record of the previous page. */
  cursor?: string;
}

export interface AuditPage {
  records: AuditRecord[];
  next_cursor: string | null;
}
