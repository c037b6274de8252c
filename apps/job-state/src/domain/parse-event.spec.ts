import { describe, expect, it } from '@jest/globals';
import { parseJobEvent } from './parse-event.js';
import { jobEvents } from '../../test/support/job-events.js';

const JOB = 'job-7';
const events = jobEvents(JOB);

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
    ['a created without owner', 'job.created.job-7', JSON.stringify({ ...events.created(), data: { mode: 'basic', request: {} } }), /owner/],
    ['a progress without a number', 'job.progress.job-7', JSON.stringify({ ...events.progress(), data: { progress: 'half', current_phase: 'x' } }), /progress/],
    ['a completed without result', 'job.completed.job-7', JSON.stringify({ ...events.completed(), data: {} }), /result/],
    ['a bad date', 'job.cancel.job-7', JSON.stringify({ ...events.cancel(), occurred_at: 'yesterday' }), /occurred_at/],
  ])('refuses %s, saying why', (_what, subject, payload, reason) => {
    const parsed = parseJobEvent(subject, payload);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toMatch(reason);
  });
});
