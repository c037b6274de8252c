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

export interface CompletionOptions {
  purpose: CallPurpose;
  model?: string | null;
  temperature?: number;
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
}
