/**
 * What to do with one delivery of `job.created`, decided from the delivery count and what
 * job-state knows about the job. Pure, so every branch is tested without a broker.
 */
import { JobStatus, isTerminal } from '@crux/contracts';
import type { StoredTerminalLookup } from './terminal-event.js';

export type StateLookup =
  | { kind: 'found'; status: JobStatus }
  /** job-state has not projected the job yet (it is that new): run it. */
  | { kind: 'not-found' }
  /** The job was deleted (purged) before any worker ran it. */
  | { kind: 'gone' }
  /** job-state did not answer, or answered with a failure of its own. */
  | { kind: 'unavailable'; detail: string };

export type DeliveryDecision =
  | { action: 'run' }
  /**
   * Acknowledge without running and without recording anything. For a job cancelled before
   * it started, job-state records the `not-started` revoke itself.
   */
  | { action: 'skip'; why: string }
  /** The job's earlier deliveries all ended without a result: record it failed. */
  | { action: 'fail-lost'; previousAttempts: number }
  | { action: 'retry-later'; why: string };

export interface DeliveryFacts {
  /** JetStream's delivery count: 1 the first time. */
  deliveryCount: number;
  maxAttempts: number;
  state: StateLookup;
  /** This worker heard a cancel for the job (job-state may not have recorded it yet). */
  cancelHeard?: boolean;
  /**
   * The job's outcome as JOBS holds it; asked only on a redelivery (undefined: not asked).
   * job-state's projection can still say `running` when JOBS already holds the outcome (it
   * lags behind a NATS failover, the usual cause of a redelivery), so JOBS decides.
   */
  storedTerminal?: StoredTerminalLookup;
}

export function decideDelivery({ deliveryCount, maxAttempts, state, cancelHeard = false, storedTerminal }: DeliveryFacts): DeliveryDecision {
  if (cancelHeard || (state.kind === 'found' && state.status === JobStatus.Cancelled)) {
    return { action: 'skip', why: 'the job was cancelled before it started' };
  }
  if (state.kind === 'found' && isTerminal(state.status)) return { action: 'skip', why: `the job is already ${state.status}` };
  if (state.kind === 'gone') return { action: 'skip', why: 'the job was deleted' };
  if (storedTerminal?.kind === 'found') {
    return { action: 'skip', why: `its ${storedTerminal.type} event is already in JOBS (seq ${storedTerminal.seq}, event ${storedTerminal.id}) though job-state does not show it yet` };
  }
  // The last delivery JetStream will make: record the loss rather than leave the job running forever,
  // even when job-state cannot be asked (a nak now would never be redelivered).
  if (deliveryCount > maxAttempts) return { action: 'fail-lost', previousAttempts: deliveryCount - 1 };
  if (state.kind === 'unavailable') return { action: 'retry-later', why: state.detail };
  // Run again only once JOBS says the job has no outcome: a second run would publish a second one.
  if (storedTerminal?.kind === 'unknown') return { action: 'retry-later', why: storedTerminal.detail };
  return { action: 'run' };
}

/**
 * Whether JOBS must be asked for the job's outcome before this delivery runs: only on a
 * redelivery. A first delivery cannot have an outcome (only a run publishes one), so the
 * common path keeps its single batched question to job-state.
 */
export function needsStoredOutcomeCheck(deliveryCount: number): boolean {
  return deliveryCount > 1;
}

export function workerLostMessage(previousAttempts: number): string {
  return `the job's worker stopped ${previousAttempts} ${previousAttempts === 1 ? 'time' : 'times'} before it finished`;
}
