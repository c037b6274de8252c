/** Basic mode: one self-evolve loop on the question. */
import type { SolveResult } from '@crux/contracts';
import { MeteredProvider } from './metered-provider.js';
import type { ModelProvider } from './model-provider.js';
import { ProgressTracker, type ProgressListener } from './progress.js';
import { evaluateMessages, generateMessages, refineMessages, type SolveTask } from './prompts.js';
import { selfEvolve, type EvolveSeed, type EvolveStepEvent, type IterationRecord } from './self-evolve.js';

export interface BasicSolveParams {
  question: string;
  context?: string;
  /** New rounds to run; a continued job runs these after its origin's. */
  n_iters: number;
  temperature?: number;
  model?: string | null;
  /** A continued job: its origin's id and where the origin's loop left off. */
  continuation?: { from: string | null; seed: EvolveSeed } | null;
}

export interface SolveHooks {
  onProgress?: ProgressListener;
  /** Milliseconds clock, replaceable in tests. */
  now?: () => number;
  /** The soft time limit: true once the solver should stop at its next step with its best candidate. */
  timeUp?: () => boolean;
}

/** Two model calls per iteration: one to write or refine, one to evaluate. */
export const UNITS_PER_ITERATION = 2;

export function unitsBefore(event: EvolveStepEvent): number {
  return (event.iteration - 1) * UNITS_PER_ITERATION + (event.step === 'evaluating' ? 1 : 0);
}

export function phaseOf(event: EvolveStepEvent): string {
  return `iteration ${event.iteration}/${event.maxIters}: ${event.step}`;
}

export function taskPrompts(task: SolveTask) {
  return {
    first: () => ({ messages: generateMessages(task), purpose: 'generate' as const }),
    refine: (candidate: string, feedback: string) => refineMessages(task, candidate, feedback),
    evaluate: (candidate: string) => evaluateMessages(task, candidate),
  };
}

export function historyOf(records: IterationRecord[]) {
  return records.map((r) => ({ iteration: r.iteration, candidate: r.candidate, score: r.score, feedback: r.feedback, stop: r.stop }));
}

export async function solveBasic(provider: ModelProvider, params: BasicSolveParams, hooks: SolveHooks = {}): Promise<SolveResult> {
  const now = hooks.now ?? Date.now;
  const started = now();
  const metered = new MeteredProvider(provider);
  const tracker = new ProgressTracker(params.n_iters * UNITS_PER_ITERATION, hooks.onProgress);
  const task: SolveTask = { question: params.question, context: params.context };
  const seed = params.continuation?.seed ?? null;
  // Progress counts this job's own rounds: a continued job starts at 0 like any other.
  const seededUnits = (seed?.history.length ?? 0) * UNITS_PER_ITERATION;

  const outcome = await selfEvolve(metered, taskPrompts(task), {
    maxIters: params.n_iters,
    model: params.model,
    temperature: params.temperature,
    seed,
    timeUp: hooks.timeUp,
    onStep: (event) => tracker.report(unitsBefore(event) - seededUnits, phaseOf(event), event.best),
  });
  tracker.done(outcome.best);

  return {
    output: outcome.best.output,
    iterations: outcome.iterations,
    total_tokens: metered.totalTokens,
    processing_time: (now() - started) / 1000,
    converged: outcome.converged,
    stop_reason: outcome.stopReason,
    metadata: {
      mode: 'basic',
      provider: provider.name,
      simulated: provider.simulated,
      model: params.model ?? null,
      model_calls: metered.calls,
      best_iteration: outcome.best.iteration,
      best_score: outcome.best.score,
      history: historyOf(outcome.history),
      ...(params.continuation ? { continued_from: params.continuation.from, origin_iterations: seed?.history.length ?? 0 } : {}),
    },
  };
}
