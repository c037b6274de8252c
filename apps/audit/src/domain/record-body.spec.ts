import { describe, expect, it } from '@jest/globals';
import { contentHash, GENESIS_HASH, hashRecord, makeEvent, sealRecord } from '@crux/contracts';
import type { RecordableEvent } from './job-event-reading.js';
import { MAX_TEXT, recordBody } from './record-body.js';

const at = new Date('2026-11-28T12:00:00.000Z');
const recordedAt = new Date('2026-11-28T12:00:00.250Z');
const ops = { kind: 'user', id: 'ops' } as const;
const snapshot = {
  job_id: 'j1',
  status: 'completed',
  owner: 'alice',
  mode: 'basic',
  created_at: '2026-11-27T00:00:00Z',
  request: { problem: 'secret text' },
  result: { output: 'secret answer' },
};

const event = (type: string, data: Record<string, unknown>, jobId = 'j1') => makeEvent(type, jobId, ops, data, {}, at) as RecordableEvent;

describe('recordBody', () => {
  it('records a deletion with its reason and content hash, and none of the snapshot content', () => {
    const deleted = event('deleted', { reason: 'purge', snapshot, content_hash: contentHash(snapshot), plan_id: 'p1' });
    const body = recordBody(deleted, GENESIS_HASH, recordedAt);
    expect(body).toEqual({
      action: 'deleted',
      job_id: 'j1',
      actor: ops,
      reason: 'purge',
      occurred_at: at.toISOString(),
      recorded_at: recordedAt.toISOString(),
      source_event_id: deleted.id,
      content_hash: contentHash(snapshot),
      details: { plan_id: 'p1', archived: true, owner: 'alice', status: 'completed', mode: 'basic', created_at: '2026-11-27T00:00:00Z' },
      prev_hash: GENESIS_HASH,
    });
    expect(JSON.stringify(body)).not.toContain('secret');
  });

  it('records a deletion archived by reference to its history as archived, with the facts it carries', () => {
    const job = { owner: 'alice', status: 'completed', mode: 'basic', created_at: '2026-11-27T00:00:00Z', version: 9 };
    const deleted = event('deleted', {
      reason: 'purge',
      archive: 'history',
      snapshot: null,
      job,
      content_hash: 'd'.repeat(64),
      plan_id: 'p1',
    });
    expect(recordBody(deleted, GENESIS_HASH, recordedAt)).toMatchObject({
      reason: 'purge',
      content_hash: 'd'.repeat(64),
      details: { plan_id: 'p1', archived: true, owner: 'alice', status: 'completed', mode: 'basic', created_at: '2026-11-27T00:00:00Z' },
    });
    const unknownArchive = event('deleted', {
      reason: 'purge',
      archive: 'attic',
      snapshot: null,
      job,
      content_hash: 'd'.repeat(64),
      plan_id: 'p1',
    });
    expect(recordBody(unknownArchive, GENESIS_HASH, recordedAt).details).toMatchObject({ archived: false });
  });

  it('names a restored job by the content hash its restore carries', () => {
    const body = recordBody(
      event('restored', { snapshot, from_event_id: 'e0', reason: 'oops', content_hash: 'd'.repeat(64) }),
      GENESIS_HASH,
      recordedAt,
    );
    expect(body).toMatchObject({ action: 'restored', content_hash: 'd'.repeat(64), details: { from_event_id: 'e0', owner: 'alice' } });
  });

  it('keeps the content hash of an erased job, whose snapshot is gone', () => {
    const body = recordBody(
      event('deleted', { reason: 'erase', snapshot: null, content_hash: 'c'.repeat(64), plan_id: 'p1' }),
      GENESIS_HASH,
      recordedAt,
    );
    expect(body).toMatchObject({ reason: 'erase', content_hash: 'c'.repeat(64), details: { plan_id: 'p1', archived: false } });
  });

  it('hashes the restored snapshot, so the trail shows what came back', () => {
    const body = recordBody(event('restored', { snapshot, from_event_id: 'e0', reason: 'oops' }), 'f'.repeat(64), recordedAt);
    expect(body).toMatchObject({
      action: 'restored',
      reason: 'oops',
      content_hash: contentHash(snapshot),
      details: { from_event_id: 'e0', owner: 'alice' },
      prev_hash: 'f'.repeat(64),
    });
  });

  it('takes the reason of a revoke from its outcome and of an unconfirmed revoke from its detail', () => {
    const revoked = recordBody(
      event('revoked', { terminated: true, outcome: 'terminated', signal: 'SIGTERM', pid: 7, worker_id: 'w1', took_ms: 30 }),
      GENESIS_HASH,
      recordedAt,
    );
    expect(revoked).toMatchObject({
      reason: 'terminated',
      content_hash: null,
      details: { terminated: true, signal: 'SIGTERM', pid: 7, worker_id: 'w1', took_ms: 30 },
    });
    const unconfirmed = recordBody(
      event('revoke_unconfirmed', { worker_id: null, waited_ms: 5000, detail: 'no answer' }),
      GENESIS_HASH,
      recordedAt,
    );
    expect(unconfirmed).toMatchObject({ reason: 'no answer', details: { worker_id: null, waited_ms: 5000 } });
  });

  it('records a purge plan by its plan id with counts and the id-list hash, not the id list', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `job-${i}`);
    const body = recordBody(
      event(
        'purge_planned',
        {
          plan_id: 'p9',
          count: 5000,
          filter: { job_ids: ids, status: ['failed'], older_than_s: 86400 },
          erase: true,
          expires_at: '2026-11-28T12:10:00Z',
          ids_hash: 'a'.repeat(64),
          reason: null,
        },
        'p9',
      ),
      GENESIS_HASH,
      recordedAt,
    );
    expect(body).toMatchObject({
      action: 'purge_planned',
      job_id: 'p9',
      reason: null,
      details: {
        plan_id: 'p9',
        count: 5000,
        erase: true,
        expires_at: '2026-11-28T12:10:00Z',
        ids_hash: 'a'.repeat(64),
        filter_status: ['failed'],
        filter_older_than_s: 86400,
        filter_job_ids: 5000,
      },
    });
    expect(JSON.stringify(body).length).toBeLessThan(1000);
  });

  it('carries the reasons of cancels, holds and releases', () => {
    for (const type of ['cancel', 'held', 'released']) {
      expect(recordBody(event(type, { reason: `why ${type}` }), GENESIS_HASH, recordedAt)).toMatchObject({
        action: type,
        reason: `why ${type}`,
        details: {},
      });
    }
    expect(recordBody(event('cancel', { reason: null }), GENESIS_HASH, recordedAt).reason).toBeNull();
  });

  it('leaves out structured or oversized values a malformed event slips into metadata fields', () => {
    const body = recordBody(
      event('revoked', { outcome: 'x'.repeat(5000), pid: { nested: 'secret' }, worker_id: ['secret'], took_ms: Number.NaN }),
      GENESIS_HASH,
      recordedAt,
    );
    expect(body.reason).toHaveLength(MAX_TEXT);
    expect(body.details).toEqual({});
    expect(
      recordBody(event('deleted', { reason: 'ttl', content_hash: 'not a hash', snapshot: null }), GENESIS_HASH, recordedAt).content_hash,
    ).toBeNull();
  });

  it('makes records the chain can verify', () => {
    const sealed = sealRecord(recordBody(event('held', { reason: 'r' }), GENESIS_HASH, recordedAt));
    expect(sealed.hash).toBe(hashRecord(sealed));
  });
});
