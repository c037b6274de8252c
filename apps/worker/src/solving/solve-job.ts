import type { SolveResult } from '@crux/contracts';
import { solveBasic, type SolveHooks } from './basic-solver.js';
import { createProvider, type ProviderSettings } from './create-provider.js';
import { solveEnhanced } from './enhanced-solver.js';
import { solveParams, type SolveSpec } from './solve-spec.js';

export interface SolveJobSettings extends ProviderSettings {
  /** CRUX_PROVIDER: used when the job names no provider. */
  provider: string;
  /** CRUX_MODEL */
  model: string | null;
}

/** Runs one job end to end: picks its provider and mode, and returns the SolveResult. */
export async function solveJob(spec: SolveSpec, settings: SolveJobSettings, hooks: SolveHooks = {}): Promise<SolveResult> {
  const provider = createProvider(spec.llm_provider ?? settings.provider, settings);
  const solve = solveParams(spec, settings.model);
  const result = await (solve.mode === 'basic' ? solveBasic(provider, solve.params, hooks) : solveEnhanced(provider, solve.params, hooks));
  // What the provider itself noticed: retries, and calls the server reported no token usage for.
  return provider.report ? { ...result, metadata: { ...result.metadata, provider_report: provider.report() } } : result;
}
