/**
 * Reading cancel events: from a message heard on `job.cancel.<id>`, and from the JOBS
 * stream when the worker learnt of the cancel from job-state and needs the event itself
 * (its id is the causation of `job.revoked`; its place in the stream orders it against a
 * result published at the same moment).
 */
import { JobEventType, StreamName, Subjects, type EventEnvelope } from '@crux/contracts';
import type { JetStreamManager } from '@crux/messaging';

/** The cancel event's id, or null when the message is not a cancel event for `jobId`. */
export function cancelEventId(data: () => unknown, jobId: string): string | null {
  let event: Partial<EventEnvelope> | null;
  try {
    event = data() as Partial<EventEnvelope> | null;
  } catch {
    return null;
  }
  if (event?.type !== JobEventType.Cancel || event.job_id !== jobId || typeof event.id !== 'string' || !event.id) return null;
  return event.id;
}

export interface StoredCancel {
  id: string;
  /** JOBS stream sequence. */
  seq: number;
}

/** The job's latest cancel event in JOBS; null when there is none. Throws when JetStream cannot be asked. */
export async function findStoredCancel(jsm: JetStreamManager, jobId: string): Promise<StoredCancel | null> {
  const stored = await jsm.streams.getMessage(StreamName.Jobs, { last_by_subj: Subjects.jobEvent(JobEventType.Cancel, jobId) });
  if (!stored) return null;
  const id = cancelEventId(() => stored.json(), jobId);
  return id ? { id, seq: stored.seq } : null;
}
