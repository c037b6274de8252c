import { describe, expect, it } from '@jest/globals';
import { makeEvent } from '@crux/contracts';
import { readJobEvent } from './job-event-reading.js';

const ops = { kind: 'user', id: 'ops' } as const;

describe('readJobEvent', () => {
  it('reads an event of a recorded type that agrees with its subject', () => {
    const event = makeEvent('cancel', 'j1', ops, { reason: null });
    expect(readJobEvent('job.cancel.j1', JSON.stringify(event))).toEqual({ kind: 'record', event });
  });

  it('passes over the types the trail does not keep without parsing them', () => {
    for (const type of ['created', 'started', 'progress', 'completed', 'failed']) {
      expect(readJobEvent(`job.${type}.j1`, 'not even json')).toEqual({ kind: 'ignore' });
    }
    expect(readJobEvent('something.else', '{}')).toEqual({ kind: 'ignore' });
  });

  it('refuses deletion-path messages it cannot trust, saying why', () => {
    const good = makeEvent('deleted', 'j1', ops, { reason: 'ttl' });
    const cases: Array<[string, unknown, RegExp]> = [
      ['job.deleted.j1', 'nope', /not JSON/],
      ['job.deleted.j1', [], /not a JSON object/],
      ['job.deleted.j1', { ...good, id: '' }, /id must be/],
      ['job.deleted.j1', { ...good, type: 'cancel' }, /does not match subject/],
      ['job.deleted.j2', good, /job_id j1 does not match/],
      ['job.deleted.j1', { ...good, occurred_at: 'soon' }, /occurred_at/],
      ['job.deleted.j1', { ...good, actor: { kind: 'robot', id: 'x' } }, /actor/],
      ['job.deleted.j1', { ...good, actor: { kind: 'user', id: '' } }, /actor/],
      ['job.deleted.j1', { ...good, data: null }, /data must be/],
    ];
    for (const [subject, payload, reason] of cases) {
      const reading = readJobEvent(subject, typeof payload === 'string' ? payload : JSON.stringify(payload));
      expect(reading.kind).toBe('malformed');
      if (reading.kind === 'malformed') expect(reading.reason).toMatch(reason);
    }
  });
});
