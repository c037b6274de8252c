import { describe, expect, it } from '@jest/globals';
import { JobStatus } from '@crux/contracts';
import { ttlFor } from './ttl-policy.js';

const settings = { ttlActiveS: 100, ttlCompletedS: 700, ttlFailedS: 300, ttlCancelledS: 200 };

describe('TTL policy', () => {
  it('gives pending and running jobs the active safety TTL', () => {
    expect(ttlFor(JobStatus.Pending, settings)).toBe(100);
    expect(ttlFor(JobStatus.Running, settings)).toBe(100);
  });

  it('gives each terminal status its own TTL', () => {
    expect(ttlFor(JobStatus.Completed, settings)).toBe(700);
    expect(ttlFor(JobStatus.Failed, settings)).toBe(300);
    expect(ttlFor(JobStatus.Cancelled, settings)).toBe(200);
  });
});
