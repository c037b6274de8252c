/**
 * A job's outcome (`completed` or `failed`) is one fact per job, so it is published under an
 * id derived from the job alone, which is also its Nats-Msg-Id: within JetStream's duplicate
 * window a second outcome of the same job (another worker that ran a redelivered job, a
 * retry) is stored once, and the first one stays. Beyond the window, a redelivered job is
 * looked for in JOBS itself before it runs (findStoredTerminal), because job-state's
 * projection may lag behind JOBS exactly when redeliveries happen (a NATS failover).
 */
import { JobEventType, StreamName, Subjects, deterministicId, type EventEnvelope } from '@crux/contracts';
import type { JetStreamManager } from '@crux/messaging';

export type TerminalType = typeof JobEventType.Completed | typeof JobEventType.Failed;

/** The event id (and Nats-Msg-Id) of the job's outcome, whichever it is. */
export function terminalEventId(jobId: string): string {
  return deterministicId('terminal', jobId);
}

/**
 * The id of the worker's `job.revoked` for the cancel `cancelEventId`: workers revoking the
 * same job for the same cancel (a redelivered run) publish one event; a later cancel (after a
 * restore) gets its own. Without a known cancel the id stays random.
 */
export function revokedEventId(jobId: string, cancelEventId: string | null): string | null {
  return cancelEventId ? deterministicId('revoked', jobId, cancelEventId) : null;
}

/** What JOBS holds of a job's outcome. */
export type StoredTerminalLookup =
  | { kind: 'found'; type: TerminalType; id: string; seq: number }
  | { kind: 'none' }
  /** JetStream could not be asked (a failover): nobody can say whether the job already ended. */
  | { kind: 'unknown'; detail: string };

/**
 * The job's outcome as stored in JOBS: the last message on `job.completed.<id>` and on
 * `job.failed.<id>`. A STREAM.MSG.GET (answered by the stream leader), not a direct get,
 * which a lagging replica may answer without the newest messages. Never rejects.
 */
export async function findStoredTerminal(jsm: JetStreamManager, jobId: string): Promise<StoredTerminalLookup> {
  const types: TerminalType[] = [JobEventType.Completed, JobEventType.Failed];
  try {
    const stored = await Promise.all(types.map((type) => jsm.streams.getMessage(StreamName.Jobs, { last_by_subj: Subjects.jobEvent(type, jobId) })));
    const found = stored
      .map((msg, i) => (msg ? { type: types[i], seq: msg.seq, id: eventIdOf(() => msg.json<Partial<EventEnvelope>>()) } : null))
      .filter((m): m is { type: TerminalType; seq: number; id: string } => m !== null)
      .sort((a, b) => a.seq - b.seq);
    return found.length > 0 ? { kind: 'found', ...found[0] } : { kind: 'none' };
  } catch (error) {
    return { kind: 'unknown', detail: `could not read the job's outcome from ${StreamName.Jobs}: ${(error as Error).message}` };
  }
}

function eventIdOf(read: () => Partial<EventEnvelope>): string {
  try {
    const id = read().id;
    return typeof id === 'string' ? id : '?';
  } catch {
    return '?';
  }
}
