import { randomUUID } from 'node:crypto';
import {
  RedisKeys,
  Subjects,
  type JobCommandRequest,
  type JobView,
  type PurgeConfirmRequest,
  type PurgePlanRequest,
  type PurgePlanView,
  type PurgeProgress,
  type Reply,
} from '@crux/contracts';
import { waitFor } from '@crux/test-harness';
import type { JobStateRig } from './job-state-harness.js';
import { jobEvents, operator } from './job-events.js';

export const value = <T>(reply: Reply<T>): T => {
  if (!reply.ok) throw new Error(`expected ok, got ${JSON.stringify(reply.error)}`);
  return reply.value;
};

/** Requests as the gateway sends them, with the operator as actor. */
export function operatorRequests(rig: JobStateRig) {
  const command = (subject: string, jobId: string) =>
    rig.request<JobView>(subject, { actor: operator, job_id: jobId, reason: 'spec' } satisfies JobCommandRequest);
  return {
    get: (jobId: string, owner?: string) => rig.request<JobView>(Subjects.stateGet, owner ? { job_id: jobId, owner } : { job_id: jobId }),
    plan: (request: Omit<PurgePlanRequest, 'actor'>) =>
      rig.request<PurgePlanView>(Subjects.statePurgePlan, { actor: operator, ...request }),
    confirm: (planId: string, token: string) =>
      rig.request<PurgeProgress>(Subjects.statePurgeConfirm, {
        actor: operator,
        plan_id: planId,
        confirm_token: token,
      } satisfies PurgeConfirmRequest),
    status: (planId: string) => rig.request<PurgeProgress>(Subjects.statePurgeStatus, { plan_id: planId }),
    restore: (jobId: string) => command(Subjects.stateRestore, jobId),
    hold: (jobId: string) => command(Subjects.stateHold, jobId),
    release: (jobId: string) => command(Subjects.stateRelease, jobId),
  };
}

export type JobEnd = 'pending' | 'running' | 'completed';

/** A job created (and run to `end`) through JOBS, once the projector shows it; answers its id and view. */
export async function makeJob(rig: JobStateRig, owner: string, end: JobEnd = 'completed'): Promise<{ id: string; view: JobView }> {
  const id = randomUUID();
  const e = jobEvents(id, owner, new Date());
  let ack = await rig.publish(e.created());
  if (end !== 'pending') {
    await rig.publish(e.started());
    ack = await rig.publish(e.progress(0.5));
  }
  if (end === 'completed') ack = await rig.publish(e.completed());
  await rig.projected(ack.seq);
  const view = value(await operatorRequests(rig).get(id));
  return { id, view };
}

/** The job's deletions in JOBS, once there are `count` of them. */
export function deletionsOnce(rig: JobStateRig, jobId: string, count = 1) {
  return waitFor(
    async () => {
      const found = await rig.deletions(jobId);
      return found.length >= count ? found : undefined;
    },
    { what: `${count} deletion(s) of job ${jobId} in JOBS`, timeoutMs: 30_000 },
  );
}

/** Whether any trace of the job is left in Redis: its key or an index entry. */
export async function redisTraces(rig: JobStateRig, jobId: string, owner: string): Promise<string[]> {
  const traces: string[] = [];
  if (await rig.redis.exists(RedisKeys.job(jobId))) traces.push(RedisKeys.job(jobId));
  const indexes = [
    RedisKeys.byCreated,
    RedisKeys.byOwner(owner),
    RedisKeys.expiry,
    RedisKeys.revokePending,
    ...(['pending', 'running', 'completed', 'failed', 'cancelled'] as const).map((s) => RedisKeys.byStatus(s)),
  ];
  for (const index of indexes) if ((await rig.redis.zscore(index, jobId)) !== null) traces.push(index);
  return traces;
}

/** The view as archived: without the moving TTL. */
export const archived = (view: JobView): JobView => {
  const { ttl_s: _ttl, ...rest } = view;
  return rest;
};
