/**
 * The `openai` provider: POST {OPENAI_BASE_URL}/chat/completions on OpenAI or any
 * compatible server (vLLM, Ollama, llama.cpp server, LM Studio). Each model call gets its
 * own retry budget; a call that still fails ends the job with a ProviderError whose
 * message a person can act on and which never contains the API key.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { ChatMessage, Completion, CompletionOptions, ModelProvider } from './model-provider.js';
import { describeFailure, type CallTarget, type FinalFailure } from './openai-failure.js';
import { HttpAttemptError, postJson, type HttpAnswer, type HttpTimeouts } from './openai-http.js';
import { excerpt, redact } from './openai-redact.js';
import { errorMessageOf, parseChatCompletion } from './openai-response.js';
import { decideRetry, parseRetryAfter, type AttemptFailure, type RetryPolicy } from './openai-retry.js';
import { ProviderError } from './provider-error.js';

export interface OpenAIProviderOptions {
  /** OPENAI_BASE_URL, e.g. `http://127.0.0.1:11434/v1`; a trailing slash is fine. */
  baseUrl: string;
  /** OPENAI_API_KEY; null sends no Authorization header (local servers want none). */
  apiKey: string | null;
  timeouts: HttpTimeouts;
  retry: RetryPolicy;
  /** Replaceable in tests, so waits are asserted rather than sat through. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

/** `{base}/chat/completions`, tolerating a trailing slash; refuses what is not an http(s) URL. */
function chatCompletionsUrl(baseUrl: string): URL {
  let base: URL;
  try {
    base = new URL(baseUrl.trim());
  } catch {
    throw new ProviderError('openai', `OPENAI_BASE_URL '${baseUrl}' is not a URL; expected something like http://127.0.0.1:8000/v1`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new ProviderError('openai', `OPENAI_BASE_URL must be an http or https URL, got '${base.protocol}'`);
  }
  base.pathname = `${base.pathname.replace(/\/+$/, '')}/chat/completions`;
  return base;
}

/** The chat-completions request body; options the call leaves unset are left out, so the server's defaults apply. */
function requestBody(model: string, messages: readonly ChatMessage[], options: CompletionOptions): Record<string, unknown> {
  const body: Record<string, unknown> = { model, messages: messages.map((m) => ({ role: m.role, content: m.content })), stream: false };
  if (typeof options.temperature === 'number') body.temperature = options.temperature;
  if (options.reasoning_effort) body.reasoning_effort = options.reasoning_effort;
  return body;
}

type AttemptOutcome =
  { ok: true; completion: Completion; usageReported: boolean } | { ok: false; failure: AttemptFailure; final: FinalFailure };

export class OpenAIProvider implements ModelProvider {
  readonly name = 'openai';
  readonly simulated = false;
  private readonly url: URL;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private stats = { calls: 0, attempts: 0, retries: 0, callsWithoutUsage: 0 };

  constructor(private readonly options: OpenAIProviderOptions) {
    this.url = chatCompletionsUrl(options.baseUrl);
    this.sleep = options.sleep ?? ((ms) => delay(ms));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  /** host[:port] of the server, as error messages name it. */
  get host(): string {
    return this.url.host;
  }

  async complete(messages: readonly ChatMessage[], options: CompletionOptions): Promise<Completion> {
    const model = options.model?.trim();
    if (!model) {
      throw new ProviderError('openai', 'openai provider: no model to ask; set CRUX_MODEL on the worker or send model_name with the job');
    }
    const target: CallTarget = { model, host: this.host };
    const body = JSON.stringify(requestBody(model, messages, options));
    const headers: Record<string, string> = this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {};
    this.stats.calls += 1;

    let invalidBodies = 0;
    for (let attempt = 1; ; attempt++) {
      this.stats.attempts += 1;
      const outcome = await this.attempt(headers, body);
      if (outcome.ok) {
        if (!outcome.usageReported) this.stats.callsWithoutUsage += 1;
        return outcome.completion;
      }
      if (outcome.failure.kind === 'invalid_body') invalidBodies += 1;
      const decision = decideRetry(outcome.failure, attempt, invalidBodies, this.options.retry, this.random);
      // Redacted again as a whole: the model name and host come from configuration and requests too.
      if (!decision.retry)
        throw new ProviderError('openai', redact(describeFailure(target, outcome.final, attempt), [this.options.apiKey]));
      this.stats.retries += 1;
      await this.sleep(decision.delayMs);
    }
  }

  report(): Record<string, unknown> {
    const { calls, attempts, retries, callsWithoutUsage } = this.stats;
    const report: Record<string, unknown> = {
      host: this.host,
      calls,
      http_attempts: attempts,
      retries,
      calls_without_usage: callsWithoutUsage,
    };
    if (callsWithoutUsage > 0) {
      report.usage_note = `the server reported no token usage for ${callsWithoutUsage} of ${calls} calls; they count 0 in total_tokens`;
    }
    return report;
  }

  private async attempt(headers: Record<string, string>, body: string): Promise<AttemptOutcome> {
    let answer: HttpAnswer;
    try {
      answer = await postJson(this.url, headers, body, this.options.timeouts);
    } catch (error) {
      return { ok: false, ...this.transportFailure(error) };
    }
    if (answer.status < 200 || answer.status > 299) {
      return {
        ok: false,
        failure: { kind: 'status', status: answer.status, retryAfterMs: parseRetryAfter(answer.headers['retry-after'], this.now()) },
        final: { kind: 'status', status: answer.status, statusText: answer.statusText, detail: this.excerpt(errorMessageOf(answer.body)) },
      };
    }
    const parsed = parseChatCompletion(answer.body);
    if (!parsed.ok) {
      return {
        ok: false,
        failure: { kind: 'invalid_body' },
        final: { kind: 'invalid_body', problem: parsed.problem, detail: this.excerpt(answer.body) },
      };
    }
    const usage = parsed.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
    return { ok: true, completion: { text: parsed.text, usage }, usageReported: parsed.usage !== null };
  }

  private transportFailure(error: unknown): { failure: AttemptFailure; final: FinalFailure } {
    if (error instanceof HttpAttemptError && error.kind === 'connect_timeout') {
      return { failure: { kind: 'connect_timeout' }, final: { kind: 'connect_timeout', timeoutMs: this.options.timeouts.connectMs } };
    }
    if (error instanceof HttpAttemptError && error.kind === 'read_timeout') {
      return { failure: { kind: 'read_timeout' }, final: { kind: 'read_timeout', timeoutMs: this.options.timeouts.readMs } };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { failure: { kind: 'network' }, final: { kind: 'network', detail: this.excerpt(message) } };
  }

  private excerpt(text: string): string {
    return excerpt(text, [this.options.apiKey]);
  }
}
