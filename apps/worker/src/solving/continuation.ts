/**
 * A continued job's starting point, read from its `job.created` event. The gateway built the
 * seed from the origin's result; this re-checks it, so a malformed event fails its job with
 * a clear message instead of crashing a child.
 */
import type { ContinuationSeed } from '@crux/contracts/core';
import { InvalidJobError } from './provider-error.js';
import type { EvolveSeed, IterationRecord } from './self-evolve.js';

export function evolveSeedOf(seed: ContinuationSeed | null | undefined): EvolveSeed | null {
  if (seed === null || seed === undefined) return null;
  if (!Array.isArray(seed.iterations) || seed.iterations.length === 0) {
    throw new InvalidJobError('the continuation has no earlier iterations to carry on from');
  }
  const history = seed.iterations.map((record, index) => iterationOf(record, index));
  const best = seed.best;
  if (!best || typeof best.output !== 'string' || !isScore(best.score) || !Number.isInteger(best.iteration)) {
    throw new InvalidJobError('the continuation has no valid best candidate (output, score, iteration)');
  }
  return { history, best: { output: best.output, score: best.score, iteration: best.iteration } };
}

function iterationOf(record: unknown, index: number): IterationRecord {
  const r = (record ?? {}) as Record<string, unknown>;
  // Numbered from 1 without gaps, so the continued job's own rounds follow on.
  if (r.iteration !== index + 1 || typeof r.candidate !== 'string' || !isScore(r.score) || typeof r.feedback !== 'string') {
    throw new InvalidJobError(
      `continuation iteration ${index + 1} is malformed: it needs iteration ${index + 1}, candidate, score (0..1) and feedback`,
    );
  }
  return { iteration: index + 1, candidate: r.candidate, score: r.score, feedback: r.feedback, stop: r.stop === true };
}

function isScore(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1;
}
