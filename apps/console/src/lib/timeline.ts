/**
 * A job's event history as the page shows it: events in stream order, each once, however
 * often a reconnect sends one again, and the job's live fields folded from them.
 */
import type { EventEnvelope, JobStatus } from './types';

export interface TimelineEntry {
  /** The SSE id: the event's sequence in the JOBS stream. */
  seq: number;
  event: EventEnvelope;
}

/** Adds `entry` unless an event with its sequence (or its event id) is already there; keeps stream order. */
export function addToTimeline(timeline: readonly TimelineEntry[], entry: TimelineEntry): TimelineEntry[] {
  if (timeline.some((e) => e.seq === entry.seq || e.event.id === entry.event.id)) return timeline as TimelineEntry[];
  const next = [...timeline, entry];
  if (timeline.length > 0 && timeline[timeline.length - 1].seq > entry.seq) next.sort((a, b) => a.seq - b.seq);
  return next;
}

export interface LiveState {
  status: JobStatus | null;
  progress: number;
  phase: string | null;
}

const STATUS_OF: Record<string, JobStatus> = {
  created: 'pending',
  started: 'running',
  progress: 'running',
  completed: 'completed',
  failed: 'failed',
  cancel: 'cancelled',
};

/** The status, progress and phase the timeline shows, on top of what the job's own fields said. */
export function liveState(base: LiveState, timeline: readonly TimelineEntry[]): LiveState {
  let state = { ...base };
  for (const { event } of timeline) {
    const status = STATUS_OF[event.type];
    // Terminal states never change: a late progress after a cancel does not make it running again.
    if (status && !(state.status && ['completed', 'failed', 'cancelled'].includes(state.status))) state = { ...state, status };
    const data = (event.data ?? {}) as { progress?: unknown; current_phase?: unknown };
    if (event.type === 'progress') {
      if (typeof data.progress === 'number') state.progress = Math.max(state.progress, data.progress);
      if (typeof data.current_phase === 'string') state.phase = data.current_phase;
    }
    if (event.type === 'completed') state.progress = 1;
  }
  return state;
}

/** One line saying what an event was, for the timeline. */
export function describeEvent(event: EventEnvelope): string {
  const data = (event.data ?? {}) as Record<string, unknown>;
  const by = event.actor?.id ? ` by ${event.actor.id}` : '';
  switch (event.type) {
    case 'created':
      return `created${by} (${String(data.mode ?? 'basic')})`;
    case 'started':
      return `started on ${String(data.worker_id ?? 'a worker')}${Number(data.attempt) > 1 ? ` (attempt ${String(data.attempt)})` : ''}`;
    case 'progress':
      return `${Math.round(Number(data.progress ?? 0) * 100)}% ${String(data.current_phase ?? '')}`.trim();
    case 'completed':
      return 'completed';
    case 'failed':
      return `failed (${String(data.reason ?? 'error')}): ${String(data.error ?? '')}`;
    case 'cancel':
      return `cancelled${by}${data.reason ? `: ${String(data.reason)}` : ''}`;
    case 'revoked':
      return `revoked: ${String(data.outcome ?? '')}${data.signal ? ` (${String(data.signal)})` : ''}`;
    case 'deleted':
      return `deleted${by} (${String(data.reason ?? '')})`;
    case 'restored':
      return `restored${by}`;
    case 'held':
      return `put on hold${by}`;
    case 'released':
      return `hold released${by}`;
    default:
      return `${event.type}${by}`;
  }
}
