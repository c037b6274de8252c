import { describe, expect, it } from '@jest/globals';
import { followEvent, makeEvent } from './make-event.js';

const USER = { kind: 'user', id: 'alice' } as const;
const AT = new Date('2026-12-06T22:00:00.000Z');

describe('makeEvent', () => {
  it('draws a fresh id and formats the time when none is given', () => {
    const a = makeEvent('cancel', 'job-1', USER, { reason: null }, {}, AT);
    const b = makeEvent('cancel', 'job-1', USER, { reason: null }, {}, AT);
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.id).not.toBe(b.id);
    expect(a).toEqual({ ...b, id: a.id });
    expect(a.occurred_at).toBe('2026-12-06T22:00:00.000Z');
    expect(a.correlation_id).toBe('job-1');
    expect(a.causation_id).toBeNull();
  });

  it('keeps a derived id and a time already formatted, with the same fields in the same order', () => {
    const drawn = makeEvent('revoked', 'job-1', USER, { x: 1 }, { causation_id: 'c' }, AT);
    const derived = makeEvent('revoked', 'job-1', USER, { x: 1 }, { causation_id: 'c', id: 'revoke-of-c' }, AT.toISOString());
    expect(derived.id).toBe('revoke-of-c');
    expect(Object.keys(derived)).toEqual(Object.keys(drawn));
    expect(derived).toEqual({ ...drawn, id: 'revoke-of-c' });
  });

  it('follows a cause under a derived id when given one', () => {
    const created = makeEvent('created', 'job-1', USER, {}, { correlation_id: 'corr' }, AT);
    const done = followEvent(created, 'completed', USER, { result: 1 }, 'outcome-of-job-1');
    expect(done).toMatchObject({ id: 'outcome-of-job-1', job_id: 'job-1', correlation_id: 'corr', causation_id: created.id });
    expect(followEvent(created, 'completed', USER, {}).id).not.toBe(created.id);
  });
});
