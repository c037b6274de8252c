import type { SolveResult } from '@crux/contracts';
import { solveBasic, type SolveHooks } from './basic-solver.js';
import { createProvider, type ProviderSettings } from './create-provider.js';
import { solveEnhanced } from './enhanced-solver.js';
import { solveParams, type SolveSpec } from './solve-spec.js';
import { deadlineAction, jobTimeLimits, type TimeLimitSettings } from './time-limits.js';

export interface SolveJobSettings extends ProviderSettings, Partial<TimeLimitSettings> {
  /** CRUX_PROVIDER: used when the job names no provider. */
  provider: string;
  /** CRUX_MODEL */
  model: string | null;
}

/**
 * Runs one job end to end: picks its provider and mode, and returns the SolveResult. The
 * soft time limit counts from this call, i.e. from when the child took the job, unless the
 * caller brings its own `timeUp`; without time-limit settings there is none.
 */
export async function solveJob(spec: SolveSpec, settings: SolveJobSettings, hooks: SolveHooks = {}): Promise<SolveResult> {
  // Before the provider, whose first use in a child may import its code: the soft limit counts from this call.
  const timeUp = hooks.timeUp ?? softDeadline(spec, settings, hooks.now ?? Date.now);
  const provider = await createProvider(spec.llm_provider ?? settings.provider, settings);
  const solve = solveParams(spec, settings.model);
  const withDeadline = { ...hooks, timeUp };
  const result = await (solve.mode === 'basic'
    ? solveBasic(provider, solve.params, withDeadline)
    : solveEnhanced(provider, solve.params, withDeadline));
  // What the provider itself noticed: retries, and calls the server reported no token usage for.
  return provider.report ? { ...result, metadata: { ...result.metadata, provider_report: provider.report() } } : result;
}

function softDeadline(spec: SolveSpec, settings: SolveJobSettings, now: () => number): (() => boolean) | undefined {
  if (settings.softTimeLimitS === undefined || settings.hardTimeLimitS === undefined) return undefined;
  const limits = jobTimeLimits(spec.request, { softTimeLimitS: settings.softTimeLimitS, hardTimeLimitS: settings.hardTimeLimitS });
  const started = now();
  // Asked only once there is a candidate, so "with a candidate" is given.
  return () => deadlineAction(now() - started, limits, true) !== 'continue';
}
