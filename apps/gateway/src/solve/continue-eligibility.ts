/**
 * Which jobs can be continued, and the seed a continued job starts from. Only a completed
 * basic job whose evaluator did not converge has somewhere left to go; the seed is its
 * evolution history as its result recorded it, so the worker needs no lookup.
 */
import { JobStatus, SolveMode, type ContinuationSeed, type IterationSeed, type JobView } from '@crux/contracts';

export type ContinueDecision = { ok: true; seed: ContinuationSeed } | { ok: false; reason: string };

/** Whether `origin` can be continued; when it cannot, a message that names why (the 409). */
export function continueDecision(origin: JobView): ContinueDecision {
  const refuse = (why: string): ContinueDecision => ({ ok: false, reason: `job ${origin.job_id} cannot be continued: ${why}` });
  if (origin.status !== JobStatus.Completed) return refuse(`it is ${origin.status}; only a completed job can be continued`);
  if (origin.mode !== SolveMode.Basic) return refuse(`it is an ${origin.mode} job; only basic jobs can be continued`);
  const result = origin.result;
  if (!result) return refuse('it has no result to continue from');
  if (result.stop_reason === 'evaluator_stop' || result.converged) {
    return refuse('it converged (stop_reason evaluator_stop): the evaluator found nothing more to improve');
  }
  const metadata = result.metadata ?? {};
  // Candidates cut down to fit a message would be refined as if they were whole answers.
  if (metadata.truncated !== undefined) return refuse('its evolution history was shortened to fit the message size limit');
  const iterations = historyOf(metadata.history);
  if (!iterations) return refuse('its result holds no evolution history to continue from');
  const best = { output: result.output, score: metadata.best_score, iteration: metadata.best_iteration };
  if (typeof best.score !== 'number' || typeof best.iteration !== 'number')
    return refuse('its result does not say which candidate was best');
  return { ok: true, seed: { iterations, best: { output: best.output, score: best.score, iteration: best.iteration } } };
}

function historyOf(value: unknown): IterationSeed[] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const rounds: IterationSeed[] = [];
  for (const [index, item] of value.entries()) {
    const r = (item ?? {}) as Record<string, unknown>;
    if (r.iteration !== index + 1 || typeof r.candidate !== 'string' || typeof r.score !== 'number' || typeof r.feedback !== 'string')
      return null;
    rounds.push({ iteration: r.iteration, candidate: r.candidate, score: r.score, feedback: r.feedback, stop: r.stop === true });
  }
  return rounds;
}
