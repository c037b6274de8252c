import { describe, expect, it } from '@jest/globals';
import {
  canonicalJson,
  contentHash,
  GENESIS_HASH,
  hashRecord,
  makeEvent,
  sealRecord,
  sha256Hex,
  type Actor,
  type AuditRecordBody,
} from '@crux/contracts';
import type { RecordableEvent } from './job-event-reading.js';
import { recordBody } from './record-body.js';

const at = new Date('2026-11-28T12:00:00.000Z');
const snapshot = { job_id: 'j1', status: 'completed', owner: 'alice', mode: 'basic', created_at: '2026-11-27T00:00:00Z', version: 9 };
const event = (type: string, data: Record<string, unknown>, actor: Actor = { kind: 'user', id: 'ops' }) =>
  makeEvent(type, 'j1', actor, data, {}, at) as RecordableEvent;

/** Every kind of record recordBody makes. */
const made: AuditRecordBody[] = [
  event('deleted', { reason: 'purge', snapshot, content_hash: contentHash(snapshot), plan_id: 'p1' }),
  event('deleted', { reason: 'ttl', archive: 'history', job: snapshot, content_hash: 'a'.repeat(64), plan_id: null }),
  event('deleted', { reason: 'erase', snapshot: null, content_hash: 'c'.repeat(64), plan_id: 'p1' }),
  event('restored', { snapshot, from_event_id: 'e0', reason: 'oops' }),
  event('revoked', { terminated: true, outcome: 'terminated', signal: 'SIGTERM', pid: 7, worker_id: 'w1', took_ms: 30.5 }),
  event('revoke_unconfirmed', { worker_id: null, waited_ms: 5000, detail: 'no answer' }),
  event('purge_planned', {
    plan_id: 'p1',
    count: 3,
    erase: false,
    ids_hash: 'b'.repeat(64),
    filter: { status: ['completed'], job_ids: ['a'] },
  }),
  event('purge_confirmed', { plan_id: 'p1', count: 3, erase: true, ids_hash: 'b'.repeat(64) }),
  event('cancel', { reason: 'quote " backslash \\ newline \n tab \t nul \u0000 line sep \u2028 emoji 🦀 lone \ud800 é' }),
  event('held', { reason: null }, { kind: 'service', id: 'ünïcode \u007f' }),
].map((e, i) => recordBody(e, i === 0 ? GENESIS_HASH : 'f'.repeat(64), new Date(at.getTime() + i)));

/** Bodies recordBody never makes, which must still hash as hashRecord hashes them. */
const odd = [
  { details: { nested: { z: [1, null, undefined, Number.NaN, { b: 2, a: 1 }], a: Number.POSITIVE_INFINITY }, gone: undefined } },
  { actor: { id: 'x', kind: 'user', extra: 'field' } },
  { actor: { kind: 'user', id: 'x', gone: undefined } },
  { actor: { kind: 'user', id: 7 } },
  { reason: undefined },
  { content_hash: 42 },
  { details: [1, 2] },
  { details: null },
  { occurred_at: undefined, source_event_id: '' },
].map((patch) => ({ ...made[0], ...patch }) as unknown as AuditRecordBody);

/** The definition of a record's hash, spelled out: sha256 of prev_hash + canonicalJson of every other field. */
function byDefinition(body: AuditRecordBody): string {
  const { action, job_id, actor, reason, occurred_at, recorded_at, source_event_id, content_hash, details } = body;
  return sha256Hex(
    body.prev_hash + canonicalJson({ action, job_id, actor, reason, occurred_at, recorded_at, source_event_id, content_hash, details }),
  );
}

describe("a record's hash (hashRecord, which writes the usual shape out without sorting keys)", () => {
  it('is the hash by definition for every kind of record the audit makes, and seals the record with it', () => {
    for (const body of made) {
      expect(hashRecord(body)).toBe(byDefinition(body));
      expect(sealRecord(body)).toEqual({ ...body, hash: byDefinition(body) });
    }
  });

  it('is the hash by definition for bodies of other shapes', () => {
    for (const body of odd) expect(hashRecord(body)).toBe(byDefinition(body));
  });

  it('tells bodies apart', () => {
    const hashes = new Set([...made, ...odd].map((b) => hashRecord(b)));
    expect(hashes.size).toBe(made.length + odd.length);
  });
});
