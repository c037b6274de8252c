import { describe, expect, it } from '@jest/globals';
import { contentHash } from '@crux/contracts';
import {
  checkConfirmRequest,
  checkPurgePlanRequest,
  confirmRefusal,
  fromPlanHash,
  hashToken,
  idsHash,
  newConfirmToken,
  purgeFilterOf,
  purgeProgress,
  selectForPurge,
  toPlanHash,
  tokenMatches,
  type PurgeCandidate,
  type PurgeQuery,
  type StoredPlan,
} from './purge-plan.js';

const olga = { kind: 'user' as const, id: 'olga' };
const NOW = Date.parse('2030-06-01T00:00:00.000Z');

describe('checking a purge plan request', () => {
  it('needs at least one filter', () => {
    const refused = checkPurgePlanRequest({ actor: olga, erase: true });
    expect(refused).toMatchObject({ ok: false, error: { status_code: 400 } });
    expect(refused.ok ? '' : refused.error.message).toMatch(/at least one filter/);
  });

  it('needs an actor: every deletion names who did it', () => {
    expect(checkPurgePlanRequest({ status: ['completed'] })).toMatchObject({ ok: false, error: { status_code: 400 } });
    expect(checkPurgePlanRequest({ actor: { kind: 'robot', id: 'x' }, status: ['completed'] })).toMatchObject({ ok: false });
  });

  it.each([
    ['an empty id list', { job_ids: [] }],
    ['an id with a wildcard', { job_ids: ['a.*'] }],
    ['an unknown status', { status: ['exploded'] }],
    ['a status that is not a list', { status: 'completed' }],
    ['a negative age', { older_than_s: -1 }],
    ['a fractional age', { older_than_s: 1.5 }],
    ['erase that is not a boolean', { status: ['failed'], erase: 'yes' }],
  ])('refuses %s', (_what, filters) => {
    expect(checkPurgePlanRequest({ actor: olga, ...filters })).toMatchObject({ ok: false, error: { status_code: 400 } });
  });

  it('reads every filter, de-duplicating ids and statuses', () => {
    expect(
      checkPurgePlanRequest({
        actor: olga,
        job_ids: ['a', 'b', 'a'],
        status: ['failed', 'failed'],
        older_than_s: 0,
        erase: true,
        reason: 'gdpr',
      }),
    ).toEqual({
      ok: true,
      value: { actor: olga, jobIds: ['a', 'b'], statuses: ['failed'], olderThanS: 0, erase: true, reason: 'gdpr' },
    });
  });
});

describe('selecting the ids a plan freezes', () => {
  const day = 86_400_000;
  const candidates: PurgeCandidate[] = [
    { id: 'new-completed', status: 'completed', held: false, createdMs: NOW - 1000 },
    { id: 'old-completed', status: 'completed', held: false, createdMs: NOW - 10 * day },
    { id: 'old-failed', status: 'failed', held: false, createdMs: NOW - 9 * day },
    { id: 'old-held', status: 'completed', held: true, createdMs: NOW - 20 * day },
    { id: 'gone', status: null, held: false, createdMs: 0 },
    { id: 'old-running', status: 'running', held: false, createdMs: NOW - 30 * day },
  ];
  const query = (q: Partial<PurgeQuery>): PurgeQuery => ({
    actor: olga,
    jobIds: null,
    statuses: null,
    olderThanS: null,
    erase: false,
    reason: null,
    ...q,
  });

  it('takes live jobs matching every filter, oldest first, never a held one', () => {
    expect(selectForPurge(candidates, query({ statuses: ['completed', 'failed'], olderThanS: 7 * 86_400 }), NOW)).toEqual([
      'old-completed',
      'old-failed',
    ]);
    expect(selectForPurge(candidates, query({ olderThanS: 7 * 86_400 }), NOW)).toEqual(['old-running', 'old-completed', 'old-failed']);
  });

  it('takes named ids only when they are live, unheld and match the other filters', () => {
    const named = query({ jobIds: ['old-held', 'gone', 'new-completed', 'old-failed'], statuses: ['completed'] });
    expect(selectForPurge(candidates, named, NOW)).toEqual(['new-completed']);
  });

  it('counts age strictly: a job exactly at the cut-off is not older than it', () => {
    const exact = [{ id: 'edge', status: 'completed' as const, held: false, createdMs: NOW - 5000 }];
    expect(selectForPurge(exact, query({ olderThanS: 5 }), NOW)).toEqual([]);
    expect(selectForPurge(exact, query({ olderThanS: 4 }), NOW)).toEqual(['edge']);
  });

  it('lists a candidate seen twice once', () => {
    expect(selectForPurge([candidates[1], candidates[1]], query({ statuses: ['completed'] }), NOW)).toEqual(['old-completed']);
  });

  it('hashes the sorted list, so the same ids in any order name the same plan', () => {
    expect(idsHash(['b', 'a'])).toBe(idsHash(['a', 'b']));
    expect(idsHash(['a', 'b'])).toBe(contentHash(['a', 'b']));
    expect(idsHash(['a'])).not.toBe(idsHash(['a', 'b']));
  });

  it('records the filters as given', () => {
    expect(purgeFilterOf(query({ statuses: ['failed'], olderThanS: 60 }))).toEqual({ status: ['failed'], older_than_s: 60 });
  });
});

describe('confirm tokens and confirmation', () => {
  const token = newConfirmToken();
  const plan: StoredPlan = {
    planId: 'plan-1',
    status: 'planned',
    count: 2,
    erase: false,
    expiresMs: NOW + 600_000,
    tokenHash: hashToken(token),
    createdBy: olga,
    createdAt: new Date(NOW).toISOString(),
    confirmedBy: null,
    idsHash: idsHash(['a', 'b']),
    filter: { job_ids: ['a', 'b'] },
    reason: 'tidy',
    sample: ['a', 'b'],
    deleted: 0,
    skipped: 0,
    failed: 0,
    cursor: 0,
  };

  it('hands out long random tokens and keeps only their hash', () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(newConfirmToken()).not.toBe(token);
    expect(plan.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenMatches(token, plan.tokenHash)).toBe(true);
    expect(tokenMatches(`${token}x`, plan.tokenHash)).toBe(false);
    expect(tokenMatches(token, 'not-a-hash')).toBe(false);
  });

  it('confirms a planned, unexpired plan with its token', () => {
    expect(confirmRefusal(plan, 'plan-1', token, NOW)).toBeNull();
  });

  it('refuses in order: unknown 404, wrong token 403, confirmed 409, expired 410', () => {
    expect(confirmRefusal(null, 'plan-9', token, NOW)).toMatchObject({ status_code: 404 });
    expect(confirmRefusal({ ...plan, status: 'running' }, 'plan-1', 'guess', NOW + 10 ** 9)).toEqual({
      status_code: 403,
      error: 'Forbidden',
      message: 'confirm token does not match this plan',
    });
    expect(confirmRefusal({ ...plan, status: 'running' }, 'plan-1', token, NOW + 10 ** 9)).toMatchObject({ status_code: 409 });
    expect(confirmRefusal(plan, 'plan-1', token, plan.expiresMs)).toMatchObject({ status_code: 410, error: 'Gone' });
  });

  it('checks the confirm request', () => {
    expect(checkConfirmRequest({ actor: olga, plan_id: 'p', confirm_token: 't' })).toEqual({
      ok: true,
      value: { actor: olga, planId: 'p', token: 't' },
    });
    expect(checkConfirmRequest({ actor: olga, plan_id: 'p' })).toMatchObject({ ok: false, error: { status_code: 400 } });
  });

  it('stores a plan as strings and reads it back', () => {
    const hash = toPlanHash({ ...plan, confirmedBy: olga, deleted: 5 });
    expect(Object.values(hash).every((v) => typeof v === 'string')).toBe(true);
    expect(fromPlanHash(hash)).toEqual({ ...plan, confirmedBy: olga, deleted: 5 });
    expect(fromPlanHash({})).toBeNull();
  });

  it('shows progress, an unconfirmed plan past its time as expired, and never the token', () => {
    const progress = purgeProgress(plan, NOW);
    expect(progress).toEqual({
      plan_id: 'plan-1',
      count: 2,
      sample: ['a', 'b'],
      erase: false,
      expires_at: new Date(plan.expiresMs).toISOString(),
      status: 'planned',
      deleted: 0,
      skipped: 0,
      failed: 0,
      created_by: 'olga',
      confirmed_by: null,
    });
    expect(purgeProgress(plan, plan.expiresMs).status).toBe('expired');
    expect(purgeProgress({ ...plan, status: 'completed' }, plan.expiresMs + 1).status).toBe('completed');
  });
});
