/**
 * Asks job-state (no owner) what it knows of jobs: before a job is run, and while it runs, to
 * catch a cancel this worker did not hear. `job.state.get` asks about one job;
 * `job.state.get_many` about several in one request.
 */
import {
  Subjects,
  isJobStatus,
  type GetJobRequest,
  type GetManyJobsReply,
  type GetManyJobsRequest,
  type JobBrief,
  type JobView,
} from '@crux/contracts';
import { requestJson, type NatsConnection } from '@crux/messaging';
import { RequestError } from '@nats-io/transport-node';
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

/**
 * What one `job.state.get_many` found, or `refused` when no job-state takes that request (none
 * serves it: an older job-state, or none at all) or it answered with an error: the caller then
 * asks about each job with `job.state.get`.
 */
export type ManyLookup = { kind: 'answered'; states: Map<string, StateLookup> } | { kind: 'refused'; detail: string };

export async function lookupJobs(nc: NatsConnection, jobIds: readonly string[], timeoutMs: number): Promise<ManyLookup> {
  let reply;
  try {
    reply = await requestJson<GetManyJobsRequest, GetManyJobsReply>(nc, Subjects.stateGetMany, { job_ids: [...jobIds] }, timeoutMs);
  } catch (error) {
    const cause = (error as Error).cause;
    if (cause instanceof RequestError && cause.isNoResponders()) return { kind: 'refused', detail: `nobody serves ${Subjects.stateGetMany}` };
    // A job-state that does not answer in time would not answer single requests either.
    const detail = (error as Error).message;
    return { kind: 'answered', states: new Map(jobIds.map((id) => [id, { kind: 'unavailable', detail }])) };
  }
  if (!reply.ok) return { kind: 'refused', detail: `job-state answered ${reply.error.status_code}: ${reply.error.message}` };
  const jobs = reply.value?.jobs ?? {};
  return { kind: 'answered', states: new Map(jobIds.map((id) => [id, stateOf(Object.hasOwn(jobs, id) ? jobs[id] : undefined)])) };
}

function stateOf(brief: JobBrief | undefined): StateLookup {
  if (brief === undefined) return { kind: 'unavailable', detail: 'job-state left the job out of its answer' };
  if (brief === null) return { kind: 'not-found' };
  if ('gone' in brief && brief.gone === true) return { kind: 'gone' };
  if ('status' in brief && isJobStatus(brief.status)) return { kind: 'found', status: brief.status };
  return { kind: 'unavailable', detail: 'job-state sent a job without a status' };
}
