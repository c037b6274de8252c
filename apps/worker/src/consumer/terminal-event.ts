/**
 * A job's outcome (`completed` or `failed`) is one fact per job, so it is published under an
 * id derived from the job alone, which is also its Nats-Msg-Id: within JetStream's duplicate
 * window a second outcome of the same job (another worker that ran a redelivered job, a
 * retry) is stored once, and the first one stays. Beyond the window, a redelivered job is
 * looked for in JOBS itself before it runs (readJobRecord).
 */
import { JobEventType, deterministicId } from '@crux/contracts';

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
