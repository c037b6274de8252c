/**
 * Request constants without the class-validator DTOs, so code that only needs these (the
 * settings, a worker's pool child) does not load class-validator (~200 ms per process).
 */
export const SolveMode = { Basic: 'basic', Enhanced: 'enhanced' } as const;
export type SolveMode = (typeof SolveMode)[keyof typeof SolveMode];

export const PROVIDERS = ['simulated', 'openai'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** Limits on request fields; a request over them gets a 400 that names the field. */
export const RequestLimits = {
  questionMaxChars: 20_000,
  contextMaxChars: 50_000,
  maxIters: 50,
  maxSpecialists: 8,
  /** Upper bound of `soft_time_limit_s` and `time_limit_s`; the deployment's limits cap them further. */
  maxTimeLimitS: 604_800,
} as const;

/** Defaults applied when a request leaves a field out. */
export const SolveDefaults = { n_iters: 3, num_specialists: 3, specialist_max_iters: 2, professor_max_iters: 1 } as const;
