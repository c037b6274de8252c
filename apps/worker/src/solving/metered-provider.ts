import type { ChatMessage, Completion, CompletionOptions, ModelProvider } from './model-provider.js';

/** Wraps a provider to add up the tokens every call of one job used. */
export class MeteredProvider implements ModelProvider {
  totalTokens = 0;
  calls = 0;

  constructor(private readonly inner: ModelProvider) {}

  get name(): string {
    return this.inner.name;
  }

  get simulated(): boolean {
    return this.inner.simulated;
  }

  async complete(messages: readonly ChatMessage[], options: CompletionOptions): Promise<Completion> {
    const completion = await this.inner.complete(messages, options);
    this.calls += 1;
    this.totalTokens += completion.usage.total_tokens;
    return completion;
  }
}
