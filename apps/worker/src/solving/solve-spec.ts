/**
 * What a child needs to run one job, and how a stored request becomes solver parameters.
 * The gateway validated the request; this re-checks the fields the solver relies on, so a
 * malformed event fails its job with a clear message instead of crashing a child.
 */
// The core contracts, not the package's root: the root also loads the request DTOs (class-validator), which a
// pool child never uses and which would cost every new child ~0.1 s of CPU at start.
import { RequestLimits, SolveDefaults, SolveMode, type ContinuationSeed, type JobCreatedData } from '@crux/contracts/core';
import type { BasicSolveParams } from './basic-solver.js';
import { evolveSeedOf } from './continuation.js';
import type { EnhancedSolveParams } from './enhanced-solver.js';
import { reasoningEffortOf } from './model-provider.js';
import { InvalidJobError } from './provider-error.js';

export interface SolveSpec {
  job_id: string;
  mode: SolveMode;
  request: Record<string, unknown>;
  llm_provider: string | null;
  model_name: string | null;
  /** A continued job's origin. */
  continued_from?: string | null;
  /** Where the origin's loop left off (a continued job only). */
  continuation?: ContinuationSeed | null;
}

export function specFromCreated(jobId: string, data: JobCreatedData): SolveSpec {
  const spec: SolveSpec = {
    job_id: jobId,
    mode: data.mode,
    request: data.request ?? {},
    llm_provider: data.llm_provider ?? null,
    model_name: data.model_name ?? null,
  };
  if (data.continuation) {
    spec.continued_from = data.continued_from ?? null;
    spec.continuation = data.continuation;
  }
  return spec;
}

type Params = { mode: 'basic'; params: BasicSolveParams } | { mode: 'enhanced'; params: EnhancedSolveParams };

export function solveParams(spec: SolveSpec, defaultModel: string | null): Params {
  const r = spec.request;
  if (typeof r.question !== 'string' || !r.question.trim()) {
    throw new InvalidJobError('the request has no question to solve');
  }
  const common = {
    question: r.question,
    context: typeof r.context === 'string' && r.context ? r.context : undefined,
    temperature: typeof r.temperature === 'number' ? r.temperature : undefined,
    model: spec.model_name ?? (typeof r.model_name === 'string' ? r.model_name : null) ?? defaultModel,
  };
  const seed = evolveSeedOf(spec.continuation);
  if (spec.mode === SolveMode.Basic) {
    const n_iters = count(r, 'n_iters', SolveDefaults.n_iters, RequestLimits.maxIters);
    return {
      mode: 'basic',
      params: { ...common, n_iters, ...(seed ? { continuation: { from: spec.continued_from ?? null, seed } } : {}) },
    };
  }
  if (seed) throw new InvalidJobError('only basic jobs can be continued; this one is enhanced');
  if (spec.mode === SolveMode.Enhanced) {
    return {
      mode: 'enhanced',
      params: {
        ...common,
        num_specialists: count(r, 'num_specialists', SolveDefaults.num_specialists, RequestLimits.maxSpecialists),
        specialist_max_iters: count(r, 'specialist_max_iters', SolveDefaults.specialist_max_iters, RequestLimits.maxIters),
        professor_max_iters: count(r, 'professor_max_iters', SolveDefaults.professor_max_iters, RequestLimits.maxIters),
        nested_self_evolve: typeof r.nested_self_evolve === 'boolean' ? r.nested_self_evolve : undefined,
        reasoning_effort: reasoningEffortOf(r.reasoning_effort),
      },
    };
  }
  throw new InvalidJobError(`unknown solve mode '${String(spec.mode)}'; modes are basic and enhanced`);
}

function count(r: Record<string, unknown>, field: string, fallback: number, max: number): number {
  const value = r[field];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new InvalidJobError(`${field} must be a whole number from 1 to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}
