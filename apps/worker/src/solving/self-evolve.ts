/**
 * The self-evolve loop: up to `maxIters` rounds of generate (or refine) → evaluate, stopping
 * as soon as the evaluator says the answer needs no more work.
 */
import type { StopReason } from '@crux/contracts';
import { parseEvaluation } from './evaluation.js';
import type { ChatMessage, CompletionOptions, ModelProvider } from './model-provider.js';

export interface IterationRecord {
  iteration: number;
  candidate: string;
  score: number;
  feedback: string;
  stop: boolean;
}

export interface BestCandidate {
  output: string;
  score: number;
  iteration: number;
}

export type EvolveStep = 'generating' | 'refining' | 'evaluating';

export interface EvolveStepEvent {
  iteration: number;
  maxIters: number;
  step: EvolveStep;
  /** Best candidate so far, or null before the first evaluation. */
  best: BestCandidate | null;
}

/** How to prompt for each step; lets the same loop serve a solver, a specialist and the professor. */
export interface EvolvePrompts {
  first(): { messages: ChatMessage[]; purpose: CompletionOptions['purpose'] };
  refine(candidate: string, feedback: string): ChatMessage[];
  evaluate(candidate: string): ChatMessage[];
}

/** Where a continued loop picks up: earlier rounds (numbered from 1) and their best candidate. */
export interface EvolveSeed {
  history: IterationRecord[];
  best: BestCandidate;
}

export interface EvolveOptions {
  /** New rounds to run (after the seed's, when there is one). */
  maxIters: number;
  model?: string | null;
  temperature?: number;
  onStep?: (event: EvolveStepEvent) => void;
  /** Carry on from an earlier loop: its last candidate is refined with its feedback first. */
  seed?: EvolveSeed | null;
  /**
   * Asked at every step boundary once there is a candidate: true stops the loop there with
   * its best so far (stop_reason time_limit). The soft time limit.
   */
  timeUp?: () => boolean;
}

export interface EvolveOutcome {
  best: BestCandidate;
  history: IterationRecord[];
  iterations: number;
  stopReason: StopReason;
  converged: boolean;
}

export async function selfEvolve(provider: ModelProvider, prompts: EvolvePrompts, options: EvolveOptions): Promise<EvolveOutcome> {
  if (!Number.isInteger(options.maxIters) || options.maxIters < 1) {
    throw new RangeError(`maxIters must be a whole number of at least 1, got ${options.maxIters}`);
  }
  const call = { model: options.model, temperature: options.temperature };
  const history: IterationRecord[] = [...(options.seed?.history ?? [])];
  let best: BestCandidate | null = options.seed?.best ?? null;
  const first = history.length + 1;
  const last = history.length + options.maxIters;
  const outOfTime = (): EvolveOutcome | null =>
    best && options.timeUp?.() ? { best, history, iterations: history.length, stopReason: 'time_limit', converged: false } : null;

  for (let iteration = first; iteration <= last; iteration++) {
    const stopped = outOfTime();
    if (stopped) return stopped;
    const previous = history.at(-1);
    options.onStep?.({ iteration, maxIters: last, step: previous ? 'refining' : 'generating', best });
    const produced = previous
      ? await provider.complete(prompts.refine(previous.candidate, previous.feedback), { ...call, purpose: 'refine' })
      : await (async () => {
          const opening = prompts.first();
          return provider.complete(opening.messages, { ...call, purpose: opening.purpose });
        })();
    const candidate = produced.text.trim();

    const stoppedBeforeReview = outOfTime();
    if (stoppedBeforeReview) return stoppedBeforeReview;
    options.onStep?.({ iteration, maxIters: last, step: 'evaluating', best });
    const review = await provider.complete(prompts.evaluate(candidate), { ...call, purpose: 'evaluate', temperature: 0 });
    const evaluation = parseEvaluation(review.text);
    history.push({ iteration, candidate, score: evaluation.score, feedback: evaluation.feedback, stop: evaluation.stop });

    // Later candidates win ties: they have seen more feedback.
    if (!best || evaluation.score >= best.score) best = { output: candidate, score: evaluation.score, iteration };
    if (evaluation.stop) {
      return { best, history, iterations: iteration, stopReason: 'evaluator_stop', converged: true };
    }
  }
  return { best: best!, history, iterations: last, stopReason: 'max_iters', converged: false };
}
