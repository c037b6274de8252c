import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { cancelEventId, cancelStep } from './cancel-step.js';

describe('cancelStep: one cancel of an active job, however often it is asked for', () => {
  const jobId = randomUUID();

  it('publishes the first cancel under an id derived from the job alone', () => {
    const step = cancelStep(jobId, 12, null);
    expect(step).toEqual({ kind: 'publish', eventId: cancelEventId(jobId, 0) });
  });

  it('gives two requests for the same job the same id (JetStream stores one), and other jobs other ids', () => {
    expect(cancelStep(jobId, 12, null)).toEqual(cancelStep(jobId, 40, null));
    expect(cancelEventId(jobId, 0)).not.toBe(cancelEventId(randomUUID(), 0));
    expect(cancelEventId(jobId, 0)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('publishes nothing when a cancel is already in JOBS beyond what the projection applied (a retried request)', () => {
    expect(cancelStep(jobId, 12, 13)).toEqual({ kind: 'await', cancelSeq: 13 });
    expect(cancelStep(jobId, 12, 500)).toEqual({ kind: 'await', cancelSeq: 500 });
  });

  it('publishes a new cancel, with an id of its own, when the last cancel was applied before the job became active again (restored)', () => {
    const step = cancelStep(jobId, 90, 13);
    expect(step).toEqual({ kind: 'publish', eventId: cancelEventId(jobId, 13) });
    expect(cancelEventId(jobId, 13)).not.toBe(cancelEventId(jobId, 0));
    // The cancel applied at exactly the job's version is applied, not pending.
    expect(cancelStep(jobId, 13, 13).kind).toBe('publish');
  });
});
