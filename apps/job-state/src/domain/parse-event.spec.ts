import { describe, expect, it } from '@jest/globals';
import { parseJobEvent } from './parse-event.js';
import type { JobView } from '@crux/contracts';
import { jobEvents, purgePlannedEvent } from '../../test/support/job-events.js';

const JOB = 'job-7';
const events = jobEvents(JOB);
const snapshot = {
  job_id: JOB,
  status: 'completed',
  owner: 'alice',
  created_at: '2030-01-01T00:00:00.000Z',
  mode: 'basic',
  version: 3,
} as JobView;

const facts = { owner: 'alice', status: 'completed', mode: 'basic', created_at: '2030-01-01T00:00:00.000Z', version: 3 };
const byReference = (data: Record<string, unknown>) => {
  const event = events.deleted(null);
  return { ...event, data: { ...event.data, archive: 'history', job: facts, ...data } };
};

describe('reading a JOBS message', () => {
  it('reads a well-formed event', () => {
    const created = events.created();
    expect(parseJobEvent(`job.created.${JOB}`, JSON.stringify(created))).toEqual({ ok: true, event: created });
  });

  it.each([
    ['not JSON', 'job.created.job-7', '{oops', /not JSON/],
    ['a subject of another job', 'job.created.job-8', JSON.stringify(events.created()), /job_id/],
    ['a subject of another type', 'job.started.job-7', JSON.stringify(events.created()), /does not match/],
    ['a subject outside job.<event>.<id>', 'job.created', JSON.stringify(events.created()), /subject/],
    ['an unknown type', 'job.exploded.job-7', JSON.stringify({ ...events.created(), type: 'exploded' }), /unknown event type/],
    [
      'a created without owner',
      'job.created.job-7',
      JSON.stringify({ ...events.created(), data: { mode: 'basic', request: {} } }),
      /owner/,
    ],
    [
      'a progress without a number',
      'job.progress.job-7',
      JSON.stringify({ ...events.progress(), data: { progress: 'half', current_phase: 'x' } }),
      /progress/,
    ],
    ['a completed without result', 'job.completed.job-7', JSON.stringify({ ...events.completed(), data: {} }), /result/],
    ['a bad date', 'job.cancel.job-7', JSON.stringify({ ...events.cancel(), occurred_at: 'yesterday' }), /occurred_at/],
    ['a deletion for an unknown reason', 'job.deleted.job-7', JSON.stringify(events.deleted(snapshot, 'boredom' as never)), /data.reason/],
    [
      'a deletion archiving another job',
      'job.deleted.job-7',
      JSON.stringify(events.deleted({ ...snapshot, job_id: 'job-8' })),
      /snapshot job_id/,
    ],
    [
      'a deletion by reference without its facts',
      'job.deleted.job-7',
      JSON.stringify(byReference({ job: null })),
      /data.job must be an object/,
    ],
    [
      'a deletion by reference naming no owner',
      'job.deleted.job-7',
      JSON.stringify(byReference({ job: { ...facts, owner: '' } })),
      /data.job owner/,
    ],
    [
      'a deletion by reference without a version',
      'job.deleted.job-7',
      JSON.stringify(byReference({ job: { ...facts, version: 'x' } })),
      /data.job version/,
    ],
    ['a deletion archived somewhere unknown', 'job.deleted.job-7', JSON.stringify(byReference({ archive: 'attic' })), /data.archive/],
    [
      'a restore without a snapshot',
      'job.restored.job-7',
      JSON.stringify({ ...events.restored(snapshot), data: { from_event_id: 'x' } }),
      /snapshot/,
    ],
    [
      'a restore of a snapshot without status',
      'job.restored.job-7',
      JSON.stringify(events.restored({ ...snapshot, status: 'gone' as never })),
      /status/,
    ],
  ])('refuses %s, saying why', (_what, subject, payload, reason) => {
    const parsed = parseJobEvent(subject, payload);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toMatch(reason);
  });

  it('reads the deletion-path events, an erased deletion without snapshot included', () => {
    for (const event of [
      events.deleted(snapshot),
      events.deleted(null, 'erase'),
      events.restored(snapshot),
      events.held(),
      events.released(),
    ]) {
      expect(parseJobEvent(`job.${event.type}.${JOB}`, JSON.stringify(event))).toEqual({ ok: true, event });
    }
    const reference = byReference({});
    expect(parseJobEvent(`job.deleted.${JOB}`, JSON.stringify(reference))).toEqual({ ok: true, event: reference });
    const planned = purgePlannedEvent('plan-3');
    expect(parseJobEvent('job.purge_planned.plan-3', JSON.stringify(planned))).toEqual({ ok: true, event: planned });
  });
});
