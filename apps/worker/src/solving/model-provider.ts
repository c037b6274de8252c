/**
 * The seam between the self-evolve pipeline and a language model. Chat-shaped, so the
 * OpenAI-compatible provider and the offline simulated one answer the same prompts.
 */
export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

/** What a call is for. Real models ignore it; the simulated model answers in kind. */
export type CallPurpose = 'generate' | 'refine' | 'evaluate' | 'plan' | 'synthesize';

/** The `reasoning_effort` of OpenAI's reasoning models; other providers ignore it. */
export type ReasoningEffort = 'low' | 'medium' | 'high';

export interface CompletionOptions {
  purpose: CallPurpose;
  model?: string | null;
  temperature?: number;
  reasoning_effort?: ReasoningEffort;
}

export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface Completion {
  text: string;
  usage: TokenUsage;
}

export interface ModelProvider {
  /** `simulated` or `openai`; recorded in every result's metadata. */
  readonly name: string;
  /** True when outputs are not from a real model, so results can say so. */
  readonly simulated: boolean;
  complete(messages: readonly ChatMessage[], options: CompletionOptions): Promise<Completion>;
  /** What this provider wants recorded in the result's metadata once the job is done (e.g. calls without token usage). */
  report?(): Record<string, unknown>;
}

/**
 * A provider that adds `defaults` to every call's options where the call leaves them unset:
 * how a job-wide option (reasoning effort) reaches calls made by loops that do not know it.
 */
export function withCallDefaults(provider: ModelProvider, defaults: Partial<Omit<CompletionOptions, 'purpose'>>): ModelProvider {
  const set = Object.fromEntries(Object.entries(defaults).filter(([, value]) => value !== undefined && value !== null));
  if (Object.keys(set).length === 0) return provider;
  return {
    get name() {
      return provider.name;
    },
    get simulated() {
      return provider.simulated;
    },
    complete: (messages, options) => provider.complete(messages, { ...set, ...stripUnset(options) } as CompletionOptions),
  };
}

function stripUnset(options: CompletionOptions): Partial<CompletionOptions> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<CompletionOptions>;
}

const REASONING_EFFORTS: readonly ReasoningEffort[] = ['low', 'medium', 'high'];

/** A stored request's `reasoning_effort`, if it is one we know; anything else is left out rather than sent. */
export function reasoningEffortOf(value: unknown): ReasoningEffort | undefined {
  return REASONING_EFFORTS.find((effort) => effort === value);
}
