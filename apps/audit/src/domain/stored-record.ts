import { ActorKind, type AuditRecord } from '@crux/contracts';
import { isAuditAction } from './job-event-reading.js';
import { isObject, isText } from './json.js';

const SHA256_HEX = /^[0-9a-f]{64}$/;
const ACTOR_KINDS: readonly unknown[] = Object.values(ActorKind);

/**
 * A trail record as read back from the AUDIT stream at `sequence`, or null when the
 * message is not shaped like one (which verification reports as a break in the chain).
 * The shape is checked, not the hash: that is verification's job.
 */
export function parseStoredRecord(sequence: number, payload: string): AuditRecord | null {
  let raw: unknown;
  try {
    raw = JSON.parse(payload);
  } catch {
    return null;
  }
  if (!isObject(raw)) return null;
  const ok =
    isAuditAction(raw.action) &&
    isText(raw.job_id) &&
    isObject(raw.actor) &&
    ACTOR_KINDS.includes(raw.actor.kind) &&
    typeof raw.actor.id === 'string' &&
    (raw.reason === null || typeof raw.reason === 'string') &&
    typeof raw.occurred_at === 'string' &&
    typeof raw.recorded_at === 'string' &&
    isText(raw.source_event_id) &&
    (raw.content_hash === null || typeof raw.content_hash === 'string') &&
    isObject(raw.details) &&
    typeof raw.prev_hash === 'string' &&
    typeof raw.hash === 'string' &&
    SHA256_HEX.test(raw.hash);
  if (!ok) return null;
  return { ...(raw as unknown as AuditRecord), sequence };
}
