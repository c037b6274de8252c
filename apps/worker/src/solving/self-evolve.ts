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

export interface EvolveOptions {
  maxIters: number;
  model?: string | null;
  temperature?: number;
  onStep?: (event: EvolveStepEvent) => void;
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
  const history: IterationRecord[] = [];
  let best: BestCandidate | null = null;

  for (let iteration = 1; iteration <= options.maxIters; iteration++) {
    const previous = history.at(-1);
    options.onStep?.({ iteration, maxIters: options.maxIters, step: previous ? 'refining' : 'generating', best });
    const produced = previous
      ? await provider.complete(prompts.refine(previous.candidate, previous.feedback), { ...call, purpose: 'refine' })
      : await (async () => {
          const first = prompts.first();
          return provider.complete(first.messages, { ...call, purpose: first.purpose });
        })();
    const candidate = produced.text.trim();

    options.onStep?.({ iteration, maxIters: options.maxIters, step: 'evaluating', best });
    const review = await provider.complete(prompts.evaluate(candidate), { ...call, purpose: 'evaluate', temperature: 0 });
    const evaluation = parseEvaluation(review.text);
    history.push({ iteration, candidate, score: evaluation.score, feedback: evaluation.feedback, stop: evaluation.stop });

    // Later candidates win ties: they have seen more feedback.
    if (!best || evaluation.score >= best.score) best = { output: candidate, score: evaluation.score, iteration };
    if (evaluation.stop) {
      return { best, history, iterations: iteration, stopReason: 'evaluator_stop', converged: true };
    }
  }
  return { best: best!, history, iterations: options.maxIters, stopReason: 'max_iters', converged: false };
}
