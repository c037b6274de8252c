/**
 * What to do with one delivery of `job.created`, decided from what the worker read in JOBS:
 * the cancels and deletions it follows, and, for a redelivered job (or one whose deletion it
 * read), the job's own events. Pure, so every branch is tested without a broker.
 *
 * A delivery is not a run: a job handed back without starting uses no attempt. The job fails
 * as `worker_lost` only once `maxAttempts` runs of it began (`job.started` stored) and none
 * ended.
 */
import type { JobRecord } from './job-record.js';

export type DeliveryDecision =
  | { action: 'run' }
  /**
   * Acknowledge without running and without recording anything. For a job cancelled before
   * it started, job-state records the `not-started` revoke itself.
   */
  | { action: 'skip'; why: string }
  /** `starts` runs of the job began and none ended: record it failed. */
  | { action: 'fail-lost'; starts: number }
  /** JOBS cannot be read now: keep the job and read again. */
  | { action: 'wait'; why: string };

export interface DeliveryFacts {
  /** JetStream's delivery count: 1 the first time. */
  deliveryCount: number;
  maxAttempts: number;
  /** The worker read a cancel of the job in JOBS. */
  cancelHeard: boolean;
  /** The worker read a deletion of the job in JOBS (a restore may have followed: the record says). */
  deletionHeard: boolean;
  /** The job's events in JOBS; read only when needsRecord says so. */
  record?: JobRecord;
}

export function decideDelivery({ deliveryCount, maxAttempts, cancelHeard, deletionHeard, record }: DeliveryFacts): DeliveryDecision {
  if (cancelHeard || (record?.kind === 'read' && record.cancelled))
    return { action: 'skip', why: 'the job was cancelled before it started' };
  if (needsRecord(deliveryCount, deletionHeard)) {
    if (!record || record.kind === 'unknown') return { action: 'wait', why: record?.detail ?? 'its events in JOBS were not read' };
    if (record.deleted) return { action: 'skip', why: 'the job was deleted' };
    if (record.outcome) return { action: 'skip', why: `its ${record.outcome} event is already in JOBS` };
    if (record.starts >= maxAttempts) return { action: 'fail-lost', starts: record.starts };
  }
  return { action: 'run' };
}

/**
 * Whether the job's own events must be read before this delivery is decided: on a
 * redelivery (runs may have begun, an outcome may be stored while job-state still says
 * running), and after a deletion (a restore may have followed it). A first delivery of a
 * job nobody deleted needs nothing but what the worker follows.
 */
export function needsRecord(deliveryCount: number, deletionHeard: boolean): boolean {
  return deliveryCount > 1 || deletionHeard;
}

export function workerLostMessage(starts: number): string {
  return `the job's worker stopped ${starts} ${starts === 1 ? 'time' : 'times'} before it finished`;
}
