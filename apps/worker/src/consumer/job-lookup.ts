/**
 * Asks job-state (`job.state.get`, no owner) what it knows of a job: before a job is run,
 * and while it runs, to catch a cancel this worker did not hear.
 */
import { Subjects, isJobStatus, type GetJobRequest, type JobView } from '@crux/contracts';
import { requestJson, type NatsConnection } from '@crux/messaging';
import type { StateLookup } from './delivery-decision.js';

export async function lookupJob(nc: NatsConnection, jobId: string, timeoutMs: number): Promise<StateLookup> {
  try {
    const reply = await requestJson<GetJobRequest, JobView>(nc, Subjects.stateGet, { job_id: jobId }, timeoutMs);
    if (reply.ok) {
      return isJobStatus(reply.value?.status) ? { kind: 'found', status: reply.value.status } : { kind: 'unavailable', detail: 'job-state sent a job without a status' };
    }
    if (reply.error.status_code === 404) return { kind: 'not-found' };
    if (reply.error.status_code === 410) return { kind: 'gone' };
    return { kind: 'unavailable', detail: `job-state answered ${reply.error.status_code}: ${reply.error.message}` };
  } catch (error) {
    return { kind: 'unavailable', detail: (error as Error).message };
  }
}
