/**
 * Reading a chat-completions answer, and a server's error body, without trusting either:
 * OpenAI-compatible servers differ in what they leave out.
 */
import type { TokenUsage } from './model-provider.js';

export type ParsedCompletion = { ok: true; text: string; usage: TokenUsage | null } | { ok: false; problem: string };

/** The answer text and token usage of a 200 body, or what is wrong with it. */
export function parseChatCompletion(body: string): ParsedCompletion {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false, problem: body.trim() ? 'a body that is not JSON' : 'an empty body' };
  }
  if (!isObject(value)) return { ok: false, problem: 'JSON that is not an object' };
  const choices = value.choices;
  if (!Array.isArray(choices) || choices.length === 0) return { ok: false, problem: 'no choices' };
  const first = choices[0];
  const message = isObject(first) && isObject(first.message) ? first.message : null;
  if (!message) return { ok: false, problem: 'a choice without a message' };
  const text = contentText(message.content);
  if (!text.trim()) {
    const finish = isObject(first) && typeof first.finish_reason === 'string' ? ` (finish_reason ${first.finish_reason})` : '';
    return { ok: false, problem: `an empty answer${finish}` };
  }
  return { ok: true, text, usage: parseUsage(value.usage) };
}

/** `content` is a string, or (some servers) a list of parts of which the text ones count. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (isObject(part) && typeof part.text === 'string' ? part.text : typeof part === 'string' ? part : ''))
      .join('');
  }
  return '';
}

/**
 * Token usage as the server reported it; null when it reported none, so the caller can say
 * so instead of making numbers up. A missing total is the sum of the two parts.
 */
export function parseUsage(usage: unknown): TokenUsage | null {
  if (!isObject(usage)) return null;
  const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.round(v) : null);
  const prompt = count(usage.prompt_tokens);
  const completion = count(usage.completion_tokens);
  const total = count(usage.total_tokens) ?? (prompt !== null && completion !== null ? prompt + completion : null);
  if (total === null) return null;
  return { prompt_tokens: prompt ?? 0, completion_tokens: completion ?? 0, total_tokens: total };
}

/**
 * The human part of an error body: OpenAI's `{error: {message}}`, Ollama's `{error: "…"}`,
 * vLLM's `{message}`, FastAPI's `{detail}`, or else the raw text. Not yet redacted.
 */
export function errorMessageOf(body: string): string {
  try {
    const value: unknown = JSON.parse(body);
    if (isObject(value)) {
      const error = value.error;
      if (isObject(error) && typeof error.message === 'string') return error.message;
      if (typeof error === 'string') return error;
      if (typeof value.message === 'string') return value.message;
      if (typeof value.detail === 'string') return value.detail;
      if (value.detail !== undefined) return JSON.stringify(value.detail);
    }
  } catch {
    // not JSON: the text itself is the message
  }
  return body;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
