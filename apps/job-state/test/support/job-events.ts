import {
  contentHash,
  makeEvent,
  serviceActor,
  type Actor,
  type DeletionReason,
  type JobCancelled,
  type JobDeleted,
  type JobHeld,
  type JobReleased,
  type JobRestored,
  type JobView,
  type PurgePlanned,
  type JobCompleted,
  type JobCreated,
  type JobFailed,
  type JobProgressed,
  type JobRevoked,
  type JobStarted,
  type SolveResult,
} from '@crux/contracts';

export const operator: Actor = { kind: 'user', id: 'olga' };

/** Events of one job as the gateway, workers and operators publish them, for specs of this app. */
export function jobEvents(jobId: string, owner = 'alice', createdAt = new Date('2030-01-02T03:04:05.678Z')) {
  const worker = serviceActor('worker-1');
  const at = (ms: number) => new Date(createdAt.getTime() + ms);
  const result: SolveResult = {
    output: 'forty-two',
    iterations: 2,
    total_tokens: 120,
    processing_time: 1.5,
    converged: true,
    stop_reason: 'evaluator_stop',
    metadata: { provider: 'simulated' },
  };
  return {
    result,
    created: (): JobCreated =>
      makeEvent(
        'created',
        jobId,
        { kind: 'user', id: owner },
        {
          mode: 'basic',
          owner,
          request: { question: 'what is six times seven?', n_iters: 2 },
          model_name: 'sim-1',
          llm_provider: 'simulated',
          continued_from: null,
        },
        {},
        createdAt,
      ),
    started: (ms = 1000): JobStarted => makeEvent('started', jobId, worker, { worker_id: 'worker-1', pid: 42, attempt: 1 }, {}, at(ms)),
    progress: (progress = 0.5, ms = 2000): JobProgressed =>
      makeEvent('progress', jobId, worker, { progress, current_phase: 'refine', partial_results: { best: 'forty' } }, {}, at(ms)),
    completed: (ms = 3000): JobCompleted => makeEvent('completed', jobId, worker, { result }, {}, at(ms)),
    failed: (ms = 3000): JobFailed => makeEvent('failed', jobId, worker, { error: 'model said no', reason: 'error' }, {}, at(ms)),
    cancel: (ms = 3000): JobCancelled => makeEvent('cancel', jobId, { kind: 'user', id: owner }, { reason: null }, {}, at(ms)),
    revoked: (ms = 4000): JobRevoked =>
      makeEvent(
        'revoked',
        jobId,
        worker,
        { terminated: true, outcome: 'terminated', signal: 'SIGTERM', pid: 42, worker_id: 'worker-1', took_ms: 10 },
        {},
        at(ms),
      ),
    deleted: (snapshot: JobView | null, reason: DeletionReason = 'purge', ms = 5000): JobDeleted =>
      makeEvent('deleted', jobId, operator, { reason, snapshot, content_hash: contentHash(snapshot), plan_id: null }, {}, at(ms)),
    restored: (snapshot: JobView, fromEventId = 'deleted-event', ms = 6000): JobRestored =>
      makeEvent('restored', jobId, operator, { snapshot, from_event_id: fromEventId, reason: 'oops' }, {}, at(ms)),
    held: (ms = 3500): JobHeld => makeEvent('held', jobId, operator, { reason: 'litigation' }, {}, at(ms)),
    released: (ms = 3600): JobReleased => makeEvent('released', jobId, operator, { reason: null }, {}, at(ms)),
  };
}

export function purgePlannedEvent(planId: string): PurgePlanned {
  return makeEvent('purge_planned', planId, operator, {
    plan_id: planId,
    count: 0,
    filter: { status: ['completed'] },
    erase: false,
    expires_at: '2030-01-01T00:00:00.000Z',
    ids_hash: contentHash([]),
    reason: null,
  });
}
