/**
 * The sentence a person reads when the openai provider gives up: which model, on which
 * host, what the server said (or did not), after how many attempts. Built only from
 * redacted parts: the caller passes server text through `excerpt` first.
 */
import { STATUS_CODES } from 'node:http';

export interface CallTarget {
  model: string;
  /** host[:port] of OPENAI_BASE_URL: never the path, never credentials in the URL. */
  host: string;
}

export type FinalFailure =
  | { kind: 'status'; status: number; statusText: string; detail: string }
  | { kind: 'connect_timeout'; timeoutMs: number }
  | { kind: 'read_timeout'; timeoutMs: number }
  | { kind: 'network'; detail: string }
  | { kind: 'invalid_body'; problem: string; detail: string };

export function describeFailure(target: CallTarget, failure: FinalFailure, attempts: number): string {
  const who = `openai provider: model '${target.model}' at ${target.host}`;
  const after = `after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
  switch (failure.kind) {
    case 'status': {
      const text = failure.statusText.trim() || STATUS_CODES[failure.status] || 'unknown status';
      return withDetail(`${who} answered ${failure.status} ${text} ${after}`, failure.detail);
    }
    case 'connect_timeout':
      return `${who} could not be connected to within ${failure.timeoutMs} ms (CRUX_OPENAI_CONNECT_TIMEOUT_MS) ${after}`;
    case 'read_timeout':
      return `${who} timed out: no complete answer within ${failure.timeoutMs} ms (CRUX_OPENAI_READ_TIMEOUT_MS) ${after}`;
    case 'network':
      return withDetail(`${who} could not be reached ${after}`, failure.detail);
    case 'invalid_body':
      return withDetail(`${who} answered 200 OK with ${failure.problem}, not a chat completion, ${after}`, failure.detail);
    default: {
      const unknown: never = failure;
      return `${who} failed ${after} (${JSON.stringify(unknown)})`;
    }
  }
}

function withDetail(sentence: string, detail: string): string {
  return detail ? `${sentence}: ${detail}` : sentence;
}
