import { describe, expect, it } from '@jest/globals';
import { RedisKeys } from '@crux/contracts';
import { encodeCursor } from './list-cursor.js';
import { listSource } from './list-source.js';
import { checkGetManyRequest, checkGetRequest, checkListRequest } from './state-request-validation.js';

describe('state request validation', () => {
  it('accepts a get with or without owner and refuses one without job id', () => {
    expect(checkGetRequest({ job_id: 'j' })).toEqual({ ok: true, value: { jobId: 'j', owner: null } });
    expect(checkGetRequest({ job_id: 'j', owner: 'a' })).toEqual({ ok: true, value: { jobId: 'j', owner: 'a' } });
    expect(checkGetRequest({})).toMatchObject({ ok: false, error: { status_code: 400 } });
  });

  it('reads the distinct ids of a get_many, in the order asked', () => {
    expect(checkGetManyRequest({ job_ids: ['b', 'a', 'b'] })).toEqual({ ok: true, value: ['b', 'a'] });
    expect(checkGetManyRequest({ job_ids: Array.from({ length: 100 }, (_, i) => `j${i}`) })).toMatchObject({ ok: true });
  });

  it.each([
    ['no list', {}],
    ['an empty list', { job_ids: [] }],
    ['more than 100 ids', { job_ids: Array.from({ length: 101 }, (_, i) => `j${i}`) }],
    ['an id that is not a string', { job_ids: ['a', 7] }],
    ['an empty id', { job_ids: [''] }],
  ])('refuses a get_many with %s', (_what, request) => {
    expect(checkGetManyRequest(request)).toMatchObject({ ok: false, error: { status_code: 400, error: 'Bad Request' } });
  });

  it.each([0, 101, 2.5, '10', undefined])('refuses limit %p with a 400 that names the range', (limit) => {
    expect(checkListRequest({ limit })).toMatchObject({
      ok: false,
      error: { status_code: 400, error: 'Bad Request', message: 'limit must be a whole number from 1 to 100' },
    });
  });

  it('refuses an unknown status and a cursor it did not hand out', () => {
    expect(checkListRequest({ limit: 5, status: 'exploded' })).toMatchObject({ ok: false, error: { status_code: 400 } });
    const bad = checkListRequest({ limit: 5, cursor: 'garbage!' });
    expect(bad).toMatchObject({ ok: false, error: { status_code: 400 } });
    expect(bad.ok ? '' : bad.error.message).toMatch(/cursor is not valid/);
  });

  it('reads a good request', () => {
    const cursor = encodeCursor({ score: 5, id: 'x' });
    expect(checkListRequest({ limit: 5, status: 'running', owner: 'bob', cursor })).toEqual({
      ok: true,
      value: { limit: 5, status: 'running', owner: 'bob', after: { score: 5, id: 'x' } },
    });
  });

  it('walks the narrowest index: owner (filtering status), else status, else creation time', () => {
    expect(listSource({ owner: 'bob', status: 'running' })).toEqual({ index: RedisKeys.byOwner('bob'), statusFilter: 'running' });
    expect(listSource({ owner: null, status: 'failed' })).toEqual({ index: RedisKeys.byStatus('failed'), statusFilter: null });
    expect(listSource({ owner: null, status: null })).toEqual({ index: RedisKeys.byCreated, statusFilter: null });
  });
});
