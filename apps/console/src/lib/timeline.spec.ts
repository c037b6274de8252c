import { describe, expect, it } from '@jest/globals';
import { addToTimeline, describeEvent, liveState, type TimelineEntry } from './timeline';
import type { EventEnvelope } from './types';

const event = (type: string, id: string, data: unknown = {}): EventEnvelope => ({
  id,
  type,
  job_id: 'j',
  occurred_at: '2026-12-01T10:00:00.000Z',
  actor: { kind: 'user', id: 'alice' },
  correlation_id: 'j',
  causation_id: null,
  data,
});

describe('the job timeline', () => {
  it('keeps each event once, in stream order, however often a reconnect sends it', () => {
    let timeline: TimelineEntry[] = [];
    for (const [seq, id] of [
      [1, 'a'],
      [2, 'b'],
      [2, 'b'],
      [4, 'd'],
      [3, 'c'],
      [4, 'd'],
    ] as const) {
      timeline = addToTimeline(timeline, { seq, event: event('progress', id) });
    }
    expect(timeline.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it('folds status, progress and phase, and a terminal status stays', () => {
    const timeline: TimelineEntry[] = [
      { seq: 1, event: event('created', 'a') },
      { seq: 2, event: event('started', 'b') },
      { seq: 3, event: event('progress', 'c', { progress: 0.5, current_phase: 'evaluate' }) },
      { seq: 4, event: event('cancel', 'd', { reason: 'enough' }) },
      { seq: 5, event: event('progress', 'e', { progress: 0.6, current_phase: 'refine' }) },
    ];
    expect(liveState({ status: 'pending', progress: 0, phase: null }, timeline)).toEqual({
      status: 'cancelled',
      progress: 0.6,
      phase: 'refine',
    });
    expect(describeEvent(timeline[3].event)).toBe('cancelled by alice: enough');
  });

  it('a completed job is at 100%', () => {
    expect(liveState({ status: 'running', progress: 0.4, phase: 'x' }, [{ seq: 9, event: event('completed', 'z') }]).progress).toBe(1);
  });
});
