/**
 * Jobs and events for the trail benchmark, shaped like the real ones: a completed 1-iteration
 * basic job of the simulated provider (about 2 KB of snapshot), its `created` (by a user),
 * `started` and `completed` (by a worker) events, and a `deleted` event carrying the snapshot
 * as the archive, as job-state publishes it. Built with makeEvent from @crux/contracts and
 * published with publishEvent from @crux/messaging, so they are what the services read.
 */
import { randomUUID } from 'node:crypto';
import { contentHash, makeEvent } from '@crux/contracts';

export const OWNER = 'alice';
/** @type {import('@crux/contracts').Actor} */
const USER = { kind: 'user', id: OWNER };
/** @type {import('@crux/contracts').Actor} */
const WORKER = { kind: 'service', id: 'bench-seeder' };
const QUESTION = 'What is the sum of the first 100 positive integers?';

/** A draft as the simulated provider writes one (its length is what matters here). */
const DRAFT =
  '[simulated] [simulated draft r1 ref 5f3a9c1e] Domain expert on the established facts and theory behind the question. ' +
  'The sum of the first n positive integers is n(n+1)/2, which Gauss is said to have found as a schoolboy by pairing the ' +
  'first and last terms: 1 + 100, 2 + 99, … each pair sums to 101 and there are 50 pairs, so the total is 5050. ' +
  'A worked example: for n = 4, 1 + 2 + 3 + 4 = 10 = 4·5/2. The main counter-argument would be an off-by-one error in ' +
  'counting the pairs, which the formula avoids. Quantities and units: the answer is a pure number. Edge cases: n = 0 ' +
  'gives an empty sum of 0, consistent with the formula. Summary: 5050.';

/** @returns {import('@crux/contracts').SolveResult} */
export function solveResult() {
  return {
    output: DRAFT,
    iterations: 1,
    total_tokens: 612,
    processing_time: 0.004,
    converged: false,
    stop_reason: 'max_iters',
    metadata: {
      mode: 'basic',
      provider: 'simulated',
      simulated: true,
      model: null,
      model_calls: 2,
      best_iteration: 1,
      best_score: 0.62,
      history: [
        {
          iteration: 1,
          candidate: DRAFT,
          score: 0.62,
          feedback: '[simulated] SCORE: 0.62 — clear, but cite the pairing argument explicitly and state the general formula first.',
          stop: false,
        },
      ],
    },
  };
}

/**
 * A completed job as the API shows it: the archive a deletion carries.
 * @param {string} jobId
 * @param {number} version
 * @returns {import('@crux/contracts').JobView}
 */
export function completedSnapshot(jobId, version = 3) {
  const now = Date.now();
  const result = solveResult();
  return {
    job_id: jobId,
    status: 'completed',
    created_at: new Date(now - 40).toISOString(),
    started_at: new Date(now - 30).toISOString(),
    completed_at: new Date(now - 20).toISOString(),
    progress: 1,
    current_phase: 'completed',
    result,
    error: null,
    partial_results: { best_candidate: DRAFT, best_score: 0.62, iteration: 1 },
    request: { question: QUESTION, n_iters: 1 },
    mode: 'basic',
    owner: OWNER,
    model_name: null,
    continued_from: null,
    version,
  };
}

/**
 * The `deleted` event job-state would publish for `jobId` (reason purge, ttl …), by `actor`.
 * @param {string} jobId
 * @param {{ reason?: import('@crux/contracts').DeletionReason, actor?: import('@crux/contracts').Actor }} [options]
 */
export function deletedEvent(jobId, { reason = 'purge', actor = { kind: 'user', id: 'ops' } } = {}) {
  const snapshot = completedSnapshot(jobId);
  return makeEvent(
    'deleted',
    jobId,
    actor,
    { reason, snapshot, content_hash: contentHash(snapshot), plan_id: null },
    { correlation_id: jobId, causation_id: null },
  );
}

/**
 * A job's life as the gateway and a worker record it: created, started, completed, in order.
 * @param {string} [jobId]
 */
export function completedJobEvents(jobId = randomUUID()) {
  const created = makeEvent('created', jobId, USER, {
    mode: 'basic',
    owner: OWNER,
    request: { question: QUESTION, n_iters: 1 },
    model_name: null,
    llm_provider: 'simulated',
    continued_from: null,
  });
  const started = makeEvent('started', jobId, WORKER, { worker_id: WORKER.id, pid: process.pid, attempt: 1 }, { causation_id: created.id });
  const completed = makeEvent('completed', jobId, WORKER, { result: solveResult() }, { causation_id: created.id });
  return { jobId, created, started, completed };
}

/**
 * The fields of an old-system `job:{id}` hash for the same job (the original audit's list):
 * what the old purge loop deletes, comparable in size and shape to Crux's hash.
 * @param {string} jobId
 * @returns {Record<string, string>}
 */
export function oldSystemHash(jobId) {
  const s = completedSnapshot(jobId);
  return {
    job_id: s.job_id,
    status: s.status,
    created_at: s.created_at,
    started_at: s.started_at ?? '',
    completed_at: s.completed_at ?? '',
    progress: String(s.progress),
    current_phase: s.current_phase ?? '',
    result: JSON.stringify(s.result),
    error: '',
    partial_results: JSON.stringify(s.partial_results),
    request: JSON.stringify(s.request),
    mode: s.mode,
  };
}
