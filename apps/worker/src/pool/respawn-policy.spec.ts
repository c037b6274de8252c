import { describe, expect, it } from '@jest/globals';
import { MAX_RESPAWN_BACKOFF_MS, respawnPlan } from './respawn-policy.js';

describe('respawnPlan', () => {
  const calm = { failedStarts: 0, othersDying: 0, jobsWaiting: 0 };

  it('forks the replacement at once when no other child is being killed', () => {
    expect(respawnPlan(calm, 250)).toEqual({ kind: 'now' });
  });

  it('waits for the other children being killed, for at most the longest deferral', () => {
    expect(respawnPlan({ ...calm, othersDying: 3 }, 250)).toEqual({ kind: 'after-kills', maxMs: 250 });
  });

  it('does not wait when a job is waiting for a child, or when deferring is turned off', () => {
    expect(respawnPlan({ ...calm, othersDying: 3, jobsWaiting: 1 }, 250)).toEqual({ kind: 'now' });
    expect(respawnPlan({ ...calm, othersDying: 3 }, 0)).toEqual({ kind: 'now' });
  });

  it('backs off, doubling up to a ceiling, while children die before they are ready, whatever else is dying', () => {
    expect(respawnPlan({ ...calm, failedStarts: 1, othersDying: 2 }, 250)).toEqual({ kind: 'backoff', ms: 200 });
    expect(respawnPlan({ ...calm, failedStarts: 2 }, 250)).toEqual({ kind: 'backoff', ms: 400 });
    expect(respawnPlan({ ...calm, failedStarts: 6 }, 250)).toEqual({ kind: 'backoff', ms: MAX_RESPAWN_BACKOFF_MS });
    expect(respawnPlan({ ...calm, failedStarts: 40 }, 250)).toEqual({ kind: 'backoff', ms: MAX_RESPAWN_BACKOFF_MS });
  });
});
