import { describe, expect, it } from '@jest/globals';
import type { AuditRecord } from '@crux/contracts';
import { decodeCursor, encodeCursor, matchesQuery, parseTrailQuery, querySubject, type TrailQuery } from './trail-query.js';

function parsed(raw: unknown): TrailQuery {
  const result = parseTrailQuery(raw);
  if (!result.ok) throw new Error(result.message);
  return result.query;
}

const record = (overrides: Partial<AuditRecord> = {}): AuditRecord => ({
  action: 'deleted',
  job_id: 'j1',
  actor: { kind: 'user', id: 'ops' },
  reason: 'purge',
  occurred_at: '2026-11-28T12:00:00.000Z',
  recorded_at: '2026-11-28T12:00:00.100Z',
  source_event_id: 'e1',
  content_hash: null,
  details: {},
  prev_hash: '0'.repeat(64),
  hash: '1'.repeat(64),
  sequence: 1,
  ...overrides,
});

describe('parseTrailQuery', () => {
  it('defaults to every record, 100 at a time', () => {
    expect(parsed({})).toEqual({ jobId: null, action: null, actor: null, since: null, until: null, limit: 100, startSeq: null });
    expect(parsed(undefined).limit).toBe(100);
    expect(parsed({ limit: '25', job_id: '', action: null }).limit).toBe(25);
  });

  it('reads every filter', () => {
    const cursor = encodeCursor(42);
    expect(
      parsed({
        job_id: 'j1',
        action: 'held',
        actor: 'service:job-state',
        since: '2026-11-28',
        until: '2026-11-28T13:00:00+01:00',
        limit: 1000,
        cursor,
      }),
    ).toEqual({
      jobId: 'j1',
      action: 'held',
      actor: { kind: 'service', id: 'job-state' },
      since: new Date('2026-11-28T00:00:00Z'),
      until: new Date('2026-11-28T12:00:00Z'),
      limit: 1000,
      startSeq: 42,
    });
    expect(parsed({ actor: 'ops' }).actor).toEqual({ kind: null, id: 'ops' });
  });

  it('refuses what it cannot honour, saying which field', () => {
    const bad: Array<[unknown, RegExp]> = [
      ['text', /JSON object/],
      [{ job_id: 'a b' }, /job_id/],
      [{ job_id: 'audit.>' }, /job_id/],
      [{ job_id: 7 }, /job_id/],
      [{ action: 'deleted_forever' }, /action must be one of/],
      [{ since: '2026-11-28T12:00:00' }, /since/],
      [{ since: '28/11/2026' }, /since/],
      [{ until: '2026-02-29' }, /until/],
      [{ since: '2026-11-29', until: '2026-11-28' }, /not be after/],
      [{ limit: 0 }, /limit/],
      [{ limit: 2.5 }, /limit/],
      [{ limit: 'ten' }, /limit/],
      [{ cursor: 'abc' }, /cursor/],
      [{ cursor: encodeCursor(0) }, /cursor/],
      [{ cursor: Buffer.from('{"seq":5}').toString('base64url') }, /cursor/],
      [{ cursor: 5 }, /cursor/],
    ];
    for (const [raw, message] of bad) {
      const result = parseTrailQuery(raw);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toMatch(message);
    }
  });
});

describe('cursors', () => {
  it('round-trip a stream position and reject anything else', () => {
    expect(decodeCursor(encodeCursor(1))).toBe(1);
    expect(decodeCursor(encodeCursor(9_007_199_254_740_991))).toBe(9_007_199_254_740_991);
    expect(decodeCursor('%%%')).toBeNull();
    expect(decodeCursor(Buffer.from('{"v":1,"seq":-3}').toString('base64url'))).toBeNull();
  });
});

describe('querySubject and matchesQuery', () => {
  it('reads only the subject the filters allow', () => {
    expect(querySubject({ jobId: null, action: null })).toBe('audit.*.*');
    expect(querySubject({ jobId: 'j1', action: null })).toBe('audit.*.j1');
    expect(querySubject({ jobId: null, action: 'cancel' })).toBe('audit.cancel.*');
    expect(querySubject({ jobId: 'j1', action: 'cancel' })).toBe('audit.cancel.j1');
  });

  it('matches actor, and times against when the event occurred', () => {
    const q = parsed({ actor: 'user:ops', since: '2026-11-28T12:00:00Z', until: '2026-11-28T12:00:00Z' });
    expect(matchesQuery(record(), q)).toBe(true);
    expect(matchesQuery(record({ actor: { kind: 'service', id: 'ops' } }), q)).toBe(false);
    expect(matchesQuery(record({ occurred_at: '2026-11-28T12:00:00.001Z' }), q)).toBe(false);
    expect(matchesQuery(record({ occurred_at: '2026-11-28T11:59:59.999Z' }), q)).toBe(false);
    expect(matchesQuery(record({ job_id: 'j2' }), parsed({ job_id: 'j1' }))).toBe(false);
  });
});
