import { deterministicId } from '@crux/contracts';

/**
 * What a cancel request does about a job that job-state still shows active:
 * - `await`: a `job.cancel` of this job is already in JOBS beyond what the projection has
 *   applied (the client retried after losing the answer, or someone else cancelled it a
 *   moment ago): nothing is published, the request waits for that cancel like its own;
 * - `publish`: a new cancel, under an id derived from the job and the last cancel the
 *   projection has already applied, so requests racing each other (two gateways, a retry
 *   whose first try is still being stored) publish the same Nats-Msg-Id and JetStream
 *   stores one event, hence one `cancel` record in the trail.
 */
export type CancelStep = { kind: 'await'; cancelSeq: number } | { kind: 'publish'; eventId: string };

/**
 * @param version the job's version as job-state shows it: the JOBS sequence of the last
 *   event the projection applied to it.
 * @param lastCancelSeq the sequence of the job's latest `job.cancel` in JOBS, or null.
 */
export function cancelStep(jobId: string, version: number, lastCancelSeq: number | null): CancelStep {
  if (lastCancelSeq !== null && lastCancelSeq > version) return { kind: 'await', cancelSeq: lastCancelSeq };
  // A cancel at or below the version was applied before the job became active again (a
  // restore): this is a new cancel, so it gets an id of its own.
  return { kind: 'publish', eventId: cancelEventId(jobId, lastCancelSeq ?? 0) };
}

/** The id (and Nats-Msg-Id) of the job's cancel that follows the cancel at `afterSeq` (0: its first). */
export function cancelEventId(jobId: string, afterSeq: number): string {
  return deterministicId('cancel', jobId, afterSeq);
}
