import {
  contentHash,
  makeEvent,
  serviceActor,
  systemActor,
  type Actor,
  type JobCancelled,
  type JobCompleted,
  type JobCreated,
  type JobDeleted,
  type JobHeld,
  type JobProgressed,
  type JobReleased,
  type JobRestored,
  type JobRevoked,
  type JobRevokeUnconfirmed,
  type JobStarted,
  type JobView,
  type PurgeConfirmed,
  type PurgePlanned,
} from '@crux/contracts';

/** Text that appears only in job content: no trail record may ever contain it. */
export const SECRET = 'SECRET-JOB-CONTENT';

export const operator: Actor = { kind: 'user', id: 'olga' };
export const owner: Actor = { kind: 'user', id: 'alice' };
export const worker = serviceActor('worker-1');
export const jobState = serviceActor('job-state-1');

export function snapshotOf(jobId: string): JobView {
  return {
    job_id: jobId,
    status: 'completed',
    created_at: '2030-01-02T03:04:05.678Z',
    started_at: '2030-01-02T03:04:06.678Z',
    completed_at: '2030-01-02T03:04:08.678Z',
    progress: 1,
    current_phase: 'done',
    result: {
      output: `${SECRET} answer`,
      iterations: 2,
      total_tokens: 120,
      processing_time: 1.5,
      converged: true,
      stop_reason: 'evaluator_stop',
      metadata: { provider: 'simulated' },
    },
    error: null,
    partial_results: { best: `${SECRET} partial` },
    request: { problem: `${SECRET} question`, n_iters: 2 },
    mode: 'basic',
    owner: 'alice',
    model_name: 'sim-1',
    continued_from: null,
    version: 7,
  };
}

/** One event of every kind a job's story can hold, as the services publish them. */
export function storyOf(jobId: string, at = new Date()) {
  const snapshot = snapshotOf(jobId);
  const planId = `plan-${jobId}`;
  return {
    snapshot,
    planId,
    created: (): JobCreated =>
      makeEvent(
        'created',
        jobId,
        owner,
        {
          mode: 'basic',
          owner: 'alice',
          request: { problem: `${SECRET} question` },
          model_name: null,
          llm_provider: 'simulated',
          continued_from: null,
        },
        {},
        at,
      ),
    started: (): JobStarted => makeEvent('started', jobId, worker, { worker_id: 'worker-1', pid: 4242, attempt: 1 }, {}, at),
    progress: (): JobProgressed =>
      makeEvent('progress', jobId, worker, { progress: 0.5, current_phase: 'refine', partial_results: { best: SECRET } }, {}, at),
    completed: (): JobCompleted => makeEvent('completed', jobId, worker, { result: snapshot.result! }, {}, at),
    cancel: (reason: string | null = 'no longer needed'): JobCancelled => makeEvent('cancel', jobId, owner, { reason }, {}, at),
    revoked: (): JobRevoked =>
      makeEvent(
        'revoked',
        jobId,
        worker,
        { terminated: true, outcome: 'killed', signal: 'SIGKILL', pid: 4242, worker_id: 'worker-1', took_ms: 2011 },
        {},
        at,
      ),
    revokeUnconfirmed: (): JobRevokeUnconfirmed =>
      makeEvent(
        'revoke_unconfirmed',
        jobId,
        jobState,
        { worker_id: 'worker-1', waited_ms: 5000, detail: 'no revoked event within 5000 ms' },
        {},
        at,
      ),
    deleted: (reason: 'purge' | 'ttl' | 'external' | 'erase' = 'purge'): JobDeleted =>
      makeEvent(
        'deleted',
        jobId,
        reason === 'purge' || reason === 'erase' ? operator : systemActor('job-state'),
        {
          reason,
          snapshot: reason === 'erase' ? null : snapshot,
          content_hash: contentHash(snapshot),
          plan_id: reason === 'purge' || reason === 'erase' ? planId : null,
        },
        {},
        at,
      ),
    restored: (fromEventId: string): JobRestored =>
      makeEvent('restored', jobId, operator, { snapshot, from_event_id: fromEventId, reason: 'deleted by mistake' }, {}, at),
    held: (): JobHeld => makeEvent('held', jobId, operator, { reason: 'litigation 7' }, {}, at),
    released: (): JobReleased => makeEvent('released', jobId, operator, { reason: 'litigation over' }, {}, at),
    purgePlanned: (jobIds: string[]): PurgePlanned =>
      makeEvent(
        'purge_planned',
        planId,
        operator,
        {
          plan_id: planId,
          count: jobIds.length,
          filter: { job_ids: jobIds, status: ['completed'] },
          erase: false,
          expires_at: '2030-01-02T03:14:05.678Z',
          ids_hash: 'ab'.repeat(32),
          reason: 'spring cleaning',
        },
        {},
        at,
      ),
    purgeConfirmed: (count: number): PurgeConfirmed =>
      makeEvent('purge_confirmed', planId, operator, { plan_id: planId, count, erase: false, ids_hash: 'ab'.repeat(32) }, {}, at),
  };
}

/** A deletion as job-state publishes it when it purges a job. */
export function deletion(jobId: string = crypto.randomUUID(), actor: Actor = operator, at = new Date()): JobDeleted {
  const snapshot = snapshotOf(jobId);
  return makeEvent('deleted', jobId, actor, { reason: 'purge', snapshot, content_hash: contentHash(snapshot), plan_id: 'plan-1' }, {}, at);
}
