/**
 * Enhanced mode: a professor plans specialists, each specialist runs its own self-evolve
 * loop from its angle, and the professor synthesises their answers in a self-evolve loop
 * of its own.
 */
import type { SolveResult } from '@crux/contracts';
import { historyOf, phaseOf, taskPrompts, unitsBefore, UNITS_PER_ITERATION, type SolveHooks } from './basic-solver.js';
import { MeteredProvider } from './metered-provider.js';
import { withCallDefaults, type ModelProvider, type ReasoningEffort } from './model-provider.js';
import { parsePlan } from './plan.js';
import { ProgressTracker, type PartialResult } from './progress.js';
import { evaluateMessages, planMessages, refineMessages, synthesizeMessages, type SolveTask, type SpecialistRole } from './prompts.js';
import { selfEvolve, type BestCandidate, type EvolveOutcome } from './self-evolve.js';

export interface EnhancedSolveParams {
  question: string;
  context?: string;
  num_specialists: number;
  specialist_max_iters: number;
  professor_max_iters: number;
  temperature?: number;
  model?: string | null;
  /**
   * True (the default): each specialist runs its own self-evolve loop of up to
   * specialist_max_iters rounds. False: each specialist answers in a single pass (one draft,
   * reviewed once so it can be ranked, never refined).
   */
  nested_self_evolve?: boolean;
  /** Passed to every model call of the job (the openai provider sends it; others ignore it). */
  reasoning_effort?: ReasoningEffort;
}

const PLANNING_UNITS = 1;

export async function solveEnhanced(provider: ModelProvider, params: EnhancedSolveParams, hooks: SolveHooks = {}): Promise<SolveResult> {
  const now = hooks.now ?? Date.now;
  const started = now();
  const metered = new MeteredProvider(withCallDefaults(provider, { reasoning_effort: params.reasoning_effort }));
  const nested = params.nested_self_evolve !== false;
  const specialistIters = nested ? params.specialist_max_iters : 1;
  const call = { model: params.model, temperature: params.temperature };
  const specialistUnits = specialistIters * UNITS_PER_ITERATION;
  const total = PLANNING_UNITS + params.num_specialists * specialistUnits + params.professor_max_iters * UNITS_PER_ITERATION;
  const tracker = new ProgressTracker(total, hooks.onProgress);
  const task: SolveTask = { question: params.question, context: params.context };
  let best: PartialResult | null = null;
  const consider = (candidate: BestCandidate | null, source: string) => {
    if (candidate && (!best || candidate.score >= best.score)) best = { ...candidate, source };
  };

  tracker.report(0, 'planning', null);
  const planReply = await metered.complete(planMessages(task, params.num_specialists), { ...call, purpose: 'plan' });
  const roles = parsePlan(planReply.text, params.num_specialists);

  const specialists: Array<{ role: SpecialistRole; outcome: EvolveOutcome }> = [];
  let cutShort = false;
  for (const [index, role] of roles.entries()) {
    // Soft time limit: once there is an answer, the specialists still to come are skipped and the synthesis starts.
    if (best && hooks.timeUp?.()) {
      cutShort = true;
      break;
    }
    const offset = PLANNING_UNITS + index * specialistUnits;
    const label = `specialist ${index + 1}/${roles.length} (${role.name})`;
    const source = `specialist ${index + 1} (${role.name})`;
    const outcome = await selfEvolve(metered, taskPrompts({ ...task, role }), {
      maxIters: specialistIters,
      ...call,
      timeUp: hooks.timeUp,
      onStep: (event) => {
        consider(event.best, source);
        tracker.report(offset + unitsBefore(event), `${label}: ${phaseOf(event)}`, best);
      },
    });
    consider(outcome.best, source);
    specialists.push({ role, outcome });
  }

  const synthesisOffset = PLANNING_UNITS + roles.length * specialistUnits;
  const findings = specialists.map((s) => ({ role: s.role.name, output: s.outcome.best.output }));
  const professorTask: SolveTask = { ...task, role: { name: 'professor', focus: 'combining the specialists into one answer' } };
  // The synthesis is judged afresh: the best partial result from now on is the professor's.
  let synthesisBest: PartialResult | null = null;
  const synthesis = await selfEvolve(
    metered,
    {
      first: () => ({ messages: synthesizeMessages(task, findings), purpose: 'synthesize' }),
      refine: (candidate, feedback) => refineMessages(professorTask, candidate, feedback),
      evaluate: (candidate) => evaluateMessages(task, candidate),
    },
    {
      maxIters: params.professor_max_iters,
      ...call,
      timeUp: hooks.timeUp,
      onStep: (event) => {
        if (event.best) synthesisBest = { ...event.best, source: 'synthesis' };
        tracker.report(synthesisOffset + unitsBefore(event), `synthesis: ${phaseOf(event)}`, synthesisBest ?? best);
      },
    },
  );
  const final: PartialResult = { ...synthesis.best, source: 'synthesis' };
  const timedOut = cutShort || synthesis.stopReason === 'time_limit' || specialists.some((s) => s.outcome.stopReason === 'time_limit');
  tracker.done(final);

  return {
    output: synthesis.best.output,
    iterations: synthesis.iterations,
    total_tokens: metered.totalTokens,
    processing_time: (now() - started) / 1000,
    converged: timedOut ? false : synthesis.converged,
    stop_reason: timedOut ? 'time_limit' : synthesis.stopReason,
    metadata: {
      mode: 'enhanced',
      provider: provider.name,
      simulated: provider.simulated,
      model: params.model ?? null,
      model_calls: metered.calls,
      options: {
        nested_self_evolve: nested,
        specialist_max_iters: params.specialist_max_iters,
        professor_max_iters: params.professor_max_iters,
        temperature: params.temperature ?? null,
        reasoning_effort: params.reasoning_effort ?? null,
      },
      plan: roles,
      specialists: specialists.map(({ role, outcome }) => ({
        role: role.name,
        focus: role.focus,
        output: outcome.best.output,
        score: outcome.best.score,
        iterations: outcome.iterations,
        converged: outcome.converged,
        stop_reason: outcome.stopReason,
        history: historyOf(outcome.history),
      })),
      best_score: synthesis.best.score,
      history: historyOf(synthesis.history),
    },
  };
}
