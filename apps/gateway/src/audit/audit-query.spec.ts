import { describe, expect, it } from '@jest/globals';
import { ApiHttpError } from '../errors/api-http-error.js';
import { parseAuditQuery, parseInstant } from './audit-query.js';

const message = (query: Record<string, unknown>) => {
  try {
    parseAuditQuery(query);
  } catch (error) {
    if (error instanceof ApiHttpError && error.getStatus() === 400) return error.body.message;
    throw error;
  }
  throw new Error('expected a refusal');
};

const JOB = '7d0f6a3e-2c4b-4e8f-9a1d-5b6c7d8e9f00';

describe('parseAuditQuery', () => {
  it('defaults the limit to 100', () => {
    expect(parseAuditQuery({})).toEqual({ limit: 100 });
  });

  it('takes every filter, with times as UTC instants', () => {
    expect(
      parseAuditQuery({
        job_id: JOB.toUpperCase(),
        action: 'deleted',
        actor: 'ops',
        since: '2026-01-01',
        until: '2026-01-31T13:30:00+01:00',
        limit: '1000',
        cursor: 'eyJ2IjoxLCJzZXEiOjV9',
      }),
    ).toEqual({
      job_id: JOB,
      action: 'deleted',
      actor: 'ops',
      since: '2026-01-01T00:00:00.000Z',
      until: '2026-01-31T12:30:00.000Z',
      limit: 1000,
      cursor: 'eyJ2IjoxLCJzZXEiOjV9',
    });
  });

  it('accepts kind:id actors and every action', () => {
    expect(parseAuditQuery({ actor: 'system:job-state' }).actor).toBe('system:job-state');
    expect(parseAuditQuery({ actor: 'service:worker.example.org-42' }).actor).toBe('service:worker.example.org-42');
    for (const action of [
      'cancel',
      'revoked',
      'revoke_unconfirmed',
      'deleted',
      'restored',
      'held',
      'released',
      'purge_planned',
      'purge_confirmed',
    ]) {
      expect(parseAuditQuery({ action }).action).toBe(action);
    }
  });

  it('treats empty values as absent', () => {
    expect(parseAuditQuery({ job_id: '', action: '', since: '', limit: '' })).toEqual({ limit: 100 });
  });

  it.each([
    [
      { action: 'purged' },
      'action must be one of: cancel, revoked, revoke_unconfirmed, deleted, restored, held, released, purge_planned, purge_confirmed',
    ],
    [{ job_id: '42' }, 'job_id must be a UUID (a job id, or a purge plan id)'],
    [{ since: 'yesterday' }, 'since must be an ISO 8601 date'],
    [{ since: '2026-02-30' }, 'since must be an ISO 8601 date'],
    [{ until: '2026-01-31T12:00:00' }, 'until must be an ISO 8601 date'],
    [{ until: '31/01/2026' }, 'until must be an ISO 8601 date'],
    [{ since: '2026-02-01', until: '2026-01-01' }, 'since must not be after until'],
    [{ limit: '0' }, 'limit must be a whole number from 1 to 1000'],
    [{ limit: '1001' }, 'limit must be a whole number from 1 to 1000'],
    [{ limit: '1e3' }, 'limit must be a whole number from 1 to 1000'],
    [{ limit: 'ten' }, 'limit must be a whole number from 1 to 1000'],
    [{ actor: 'a b' }, 'actor must be an actor id'],
    [{ actor: 'ops\u0000' }, 'actor must be an actor id'],
    [{ cursor: 'c'.repeat(513) }, 'cursor must be at most 512 characters'],
    [{ action: ['cancel', 'deleted'] }, 'action must be given once'],
    [{ job: JOB }, 'unknown query parameter job (allowed: job_id, action, actor, since, until, limit, cursor)'],
  ])('refuses %j', (query, expected) => {
    expect(message(query)).toContain(expected);
  });

  it('names every problem at once', () => {
    expect(message({ action: 'x', limit: '0', sinse: '2026-01-01' })).toBe(
      'unknown query parameter sinse (allowed: job_id, action, actor, since, until, limit, cursor); ' +
        'action must be one of: cancel, revoked, revoke_unconfirmed, deleted, restored, held, released, purge_planned, purge_confirmed; ' +
        'limit must be a whole number from 1 to 1000',
    );
  });
});

describe('parseInstant', () => {
  it.each(['2026-01-31', '2026-01-31T12:00Z', '2026-01-31T12:00:00.123456789Z', '2024-02-29T00:00:00-05:30'])('reads %s', (text) => {
    expect(parseInstant(text)).toBeInstanceOf(Date);
  });

  it.each(['2026-13-01', '2025-02-29', '2026-01-31T25:00:00Z', '2026-01-31 12:00:00Z', '2026-1-31', ''])('refuses %s', (text) => {
    expect(parseInstant(text)).toBeNull();
  });
});
