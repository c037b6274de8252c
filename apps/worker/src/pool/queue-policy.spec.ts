import { describe, expect, it } from '@jest/globals';
import { queueHost, takeBackPlan, type ChildView } from './queue-policy.js';

const child = (over: Partial<ChildView>): ChildView => ({ runningLive: true, hasQueued: false, startedAt: 0, ...over });

describe('queueHost', () => {
  it('picks the child whose running job started first among those that can take one', () => {
    expect(queueHost([child({ startedAt: 30 }), child({ startedAt: 10 }), child({ startedAt: 20 })])).toBe(1);
  });

  it('never queues on a child holding a queued job already, or one whose job is being stopped', () => {
    expect(
      queueHost([child({ startedAt: 1, hasQueued: true }), child({ startedAt: 2, runningLive: false }), child({ startedAt: 3 })]),
    ).toBe(2);
    expect(queueHost([child({ hasQueued: true }), child({ runningLive: false })])).toBe(-1);
    expect(queueHost([])).toBe(-1);
  });
});

describe('takeBackPlan', () => {
  const q = (...ms: number[]) => ms.map((hostRunningMs) => ({ hostRunningMs }));

  it('takes back one queued job per free child, from behind the longest runs, counting those already on their way back', () => {
    expect(takeBackPlan({ idle: 2, waiting: 0, comingBack: 0, queued: q(60, 500, 80) }, 50)).toEqual({ take: [1, 2], recheckInMs: null });
    expect(takeBackPlan({ idle: 2, waiting: 0, comingBack: 1, queued: q(60, 500) }, 50)).toEqual({ take: [1], recheckInMs: null });
    expect(takeBackPlan({ idle: 1, waiting: 0, comingBack: 1, queued: q(500) }, 50)).toEqual({ take: [], recheckInMs: null });
  });

  it('leaves a job queued behind a short run where it is, and looks again once that run would be long', () => {
    expect(takeBackPlan({ idle: 1, waiting: 0, comingBack: 0, queued: q(10, 30) }, 50)).toEqual({ take: [], recheckInMs: 20 });
    expect(takeBackPlan({ idle: 2, waiting: 0, comingBack: 0, queued: q(10, 70) }, 50)).toEqual({ take: [1], recheckInMs: 40 });
    expect(takeBackPlan({ idle: 1, waiting: 0, comingBack: 0, queued: q(10, 70) }, 50)).toEqual({ take: [1], recheckInMs: null });
  });

  it('takes nothing back while a job waits (it takes the free child) or no child is free', () => {
    expect(takeBackPlan({ idle: 2, waiting: 1, comingBack: 0, queued: q(500) }, 50)).toEqual({ take: [], recheckInMs: null });
    expect(takeBackPlan({ idle: 0, waiting: 0, comingBack: 0, queued: q(500) }, 50)).toEqual({ take: [], recheckInMs: null });
  });
});
