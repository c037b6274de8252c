import { describe, expect, it } from '@jest/globals';
import { decideDelivery, needsRecord, workerLostMessage } from './delivery-decision.js';
import type { JobRecord } from './job-record.js';

const max = 3;
const record = (over: Partial<Extract<JobRecord, { kind: 'read' }>> = {}): JobRecord => ({
  kind: 'read',
  starts: 0,
  outcome: null,
  cancelled: false,
  deleted: false,
  ...over,
});
const unknown: JobRecord = { kind: 'unknown', detail: 'JOBS has no leader' };
const first = { deliveryCount: 1, maxAttempts: max, cancelHeard: false, deletionHeard: false };

describe('deciding what to do with a job.created delivery', () => {
  it('runs a first delivery nobody cancelled or deleted without reading anything', () => {
    expect(needsRecord(1, false)).toBe(false);
    expect(decideDelivery(first)).toEqual({ action: 'run' });
  });

  it('reads the job’s events on a redelivery, and after a deletion', () => {
    expect(needsRecord(2, false)).toBe(true);
    expect(needsRecord(1, true)).toBe(true);
  });

  it('does not run a job whose cancel it read, on any delivery, whatever else it knows', () => {
    expect(decideDelivery({ ...first, cancelHeard: true })).toEqual({ action: 'skip', why: 'the job was cancelled before it started' });
    expect(decideDelivery({ ...first, deliveryCount: 9, cancelHeard: true, record: unknown })).toMatchObject({ action: 'skip' });
    expect(decideDelivery({ ...first, deliveryCount: 2, record: record({ cancelled: true, starts: 5 }) })).toMatchObject({
      action: 'skip',
    });
  });

  it('does not run a deleted job, but runs one restored after its deletion', () => {
    expect(decideDelivery({ ...first, deletionHeard: true, record: record({ deleted: true }) })).toEqual({
      action: 'skip',
      why: 'the job was deleted',
    });
    expect(decideDelivery({ ...first, deletionHeard: true, record: record({ deleted: false }) })).toEqual({ action: 'run' });
  });

  it('does not run a redelivered job whose outcome is stored', () => {
    expect(decideDelivery({ ...first, deliveryCount: 2, record: record({ starts: 1, outcome: 'completed' }) })).toEqual({
      action: 'skip',
      why: 'its completed event is already in JOBS',
    });
    expect(decideDelivery({ ...first, deliveryCount: 7, record: record({ starts: 3, outcome: 'failed' }) })).toMatchObject({
      action: 'skip',
    });
  });

  it('runs a redelivered job again while fewer than maxAttempts runs of it began, however many deliveries it had', () => {
    expect(decideDelivery({ ...first, deliveryCount: 2, record: record({ starts: 1 }) })).toEqual({ action: 'run' });
    // Handed back 40 times without a start (job-state or JOBS unreachable, shutdowns): no attempt used.
    expect(decideDelivery({ ...first, deliveryCount: 40, record: record({ starts: 0 }) })).toEqual({ action: 'run' });
    expect(decideDelivery({ ...first, deliveryCount: 40, record: record({ starts: max - 1 }) })).toEqual({ action: 'run' });
  });

  it('fails the job as worker_lost once maxAttempts runs began and none ended', () => {
    expect(decideDelivery({ ...first, deliveryCount: 4, record: record({ starts: max }) })).toEqual({ action: 'fail-lost', starts: max });
    expect(decideDelivery({ ...first, deliveryCount: 4, record: record({ starts: max + 1 }) })).toEqual({
      action: 'fail-lost',
      starts: max + 1,
    });
    expect(workerLostMessage(3)).toBe("the job's worker stopped 3 times before it finished");
    expect(workerLostMessage(1)).toBe("the job's worker stopped 1 time before it finished");
  });

  it('waits, never fails, while a redelivered job’s events cannot be read', () => {
    expect(decideDelivery({ ...first, deliveryCount: 4, record: unknown })).toEqual({ action: 'wait', why: 'JOBS has no leader' });
    expect(decideDelivery({ ...first, deletionHeard: true, record: unknown })).toMatchObject({ action: 'wait' });
    expect(decideDelivery({ ...first, deliveryCount: 2 })).toMatchObject({ action: 'wait' });
  });
});
