/**
 * One delivery of `job.created` that this worker holds, from the moment it arrives until its
 * message is settled: what the cancel router, the runner and the outcome recorder share.
 */
import type { ProgressThrottle } from './progress-throttle.js';
import type { DeliveryPhase } from './cancel-decision.js';
import type { JobEventPublisher } from './job-event-publisher.js';
import type { SolveProgress } from '../solving/progress.js';
import type { WorkMessage } from './work-message.js';

/** The cancel event that stopped the job, as read from JOBS. */
export interface CancelNotice {
  eventId: string;
  /** Its JOBS stream sequence: it orders the cancel against an outcome published at the same moment. */
  seq: number;
}

export interface ActiveDelivery {
  /** '?' until the message is parsed. */
  jobId: string;
  msg: WorkMessage;
  phase: DeliveryPhase;
  /** Set once the job is known to be cancelled; from then on nothing but `job.revoked` is published for it. */
  cancel: CancelNotice | null;
  /** Takes the job back from the pool while it waits for a child. */
  withdraw: AbortController;
  throttle: ProgressThrottle<SolveProgress> | null;
  /** Publishes the run's events in order; closed on cancel. */
  publisher: JobEventPublisher | null;
  /** The `started` publish, once the child has the job. */
  started: Promise<unknown>;
  pid: number | null;
  /** Set at shutdown once the message has been handed back; the job's outcome is then ignored. */
  abandoned: boolean;
  done: Promise<void>;
}

export function newDelivery(msg: WorkMessage, phase: DeliveryPhase): ActiveDelivery {
  return {
    jobId: '?',
    msg,
    phase,
    cancel: null,
    withdraw: new AbortController(),
    throttle: null,
    publisher: null,
    started: Promise.resolve(),
    pid: null,
    abandoned: false,
    done: Promise.resolve(),
  };
}

/** Acks of any kind fail only when the connection is gone, and then the server redelivers anyway. */
export function quietly(action: () => void): void {
  try {
    action();
  } catch {
    // nothing to do: see above
  }
}
