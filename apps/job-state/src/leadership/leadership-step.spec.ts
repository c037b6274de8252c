import { describe, expect, it } from '@jest/globals';
import { LeadershipStep, leadershipStep } from './leadership-step.js';

describe('leadershipStep', () => {
  const standby = { leading: false, term: null };
  const leading = { leading: true, term: '3:replica-a:1a2b3c4d' };

  it('takes over when a standby is given the lease', () => {
    expect(leadershipStep(standby, '4:replica-b:5e6f7a8b')).toBe(LeadershipStep.TakeOver);
  });

  it('stays a standby while another replica holds the lease', () => {
    expect(leadershipStep(standby, '')).toBe(LeadershipStep.Stay);
  });

  it('keeps leading when a renewal answers the same epoch', () => {
    expect(leadershipStep(leading, '3:replica-a:1a2b3c4d')).toBe(LeadershipStep.Stay);
  });

  it('steps down when another replica holds the lease', () => {
    expect(leadershipStep(leading, '')).toBe(LeadershipStep.StepDown);
  });

  it('begins a new term when the lease came back with another epoch (another replica led in between)', () => {
    expect(leadershipStep(leading, '5:replica-a:9c0d1e2f')).toBe(LeadershipStep.NewTerm);
  });
});
