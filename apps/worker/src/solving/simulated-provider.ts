/**
 * An offline, deterministic stand-in for a language model, so the whole job lifecycle runs
 * with no model at hand. Every answer is derived from a hash of the prompt: the same
 * request always yields the same outputs. It never pretends: every text it writes starts
 * with `[simulated]`.
 *
 * Drafts carry a marker `[simulated draft r<revision> ref <key>]`. A refinement keeps the
 * key and bumps the revision; the reviewer reads both, so scores rise with each refinement
 * and each question has its own difficulty: easy ones converge early (the reviewer says
 * stop), hard ones plateau below the bar and run to the iteration limit.
 */
import { hash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallPurpose, ChatMessage, Completion, CompletionOptions, ModelProvider } from './model-provider.js';

export const SIMULATED_MARK = '[simulated]';
/** The score at which the simulated reviewer says stop. */
export const SIMULATED_STOP_SCORE = 0.8;

const MARKER = /\[simulated draft r(\d+) ref ([0-9a-f]{8})\]/;

const ROLES: ReadonlyArray<[string, string]> = [
  ['Domain expert', 'the established facts and theory behind the question'],
  ['Skeptic', 'hidden assumptions, edge cases and ways the obvious answer fails'],
  ['Practitioner', 'what works in practice, with concrete steps and trade-offs'],
  ['Historian', 'how the question has been answered before and why answers changed'],
  ['Quantitative analyst', 'numbers, estimates and orders of magnitude'],
  ['Ethicist', 'who is affected and what obligations follow'],
  ['Systems thinker', 'interactions, feedback loops and second-order effects'],
  ['Teacher', 'explaining the answer so a newcomer can follow it'],
  ['Economist', 'costs, incentives and scarcity'],
  ['Engineer', 'how to build it and what could break'],
];

const ASPECTS = [
  'definitions',
  'a worked example',
  'the main counter-argument',
  'quantities and units',
  'the edge cases',
  'a short summary',
  'the assumptions',
  'sources of error',
];

export interface SimulatedProviderOptions {
  /** Milliseconds each call takes, honoured with a timer (CRUX_SIMULATED_LATENCY_MS); 0 allowed. */
  latencyMs: number;
}

export class SimulatedProvider implements ModelProvider {
  readonly name = 'simulated';
  readonly simulated = true;

  constructor(private readonly options: SimulatedProviderOptions) {}

  async complete(messages: readonly ChatMessage[], options: CompletionOptions): Promise<Completion> {
    // No timer at 0 ms: even setTimeout(0) waits a millisecond and wakes the process once
    // more per call, which made a pool child's trivial job cost several wake-ups.
    if (this.options.latencyMs > 0) await sleep(this.options.latencyMs);
    const text = answer(messages, options.purpose);
    let promptChars = 0;
    for (const m of messages) promptChars += m.content.length;
    const prompt_tokens = estimateTokens(promptChars);
    const completion_tokens = estimateTokens(text.length);
    return { text, usage: { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens } };
  }
}

/** About four characters per token, as for English text with common tokenizers. */
export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

function answer(messages: readonly ChatMessage[], purpose: CallPurpose): string {
  // The prompt hashed is the messages as `role\ncontent`, joined by `\n---\n`; `user` is the last user message.
  let prompt = '';
  let user = '';
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    prompt += i === 0 ? `${m.role}\n${m.content}` : `\n---\n${m.role}\n${m.content}`;
    if (m.role === 'user') user = m.content;
  }
  const digest = sha256(prompt);
  switch (purpose) {
    case 'generate':
    case 'synthesize':
      return draft(1, digest.slice(0, 8), digest, user, purpose);
    case 'refine': {
      const previous = MARKER.exec(user);
      const revision = previous ? Number(previous[1]) + 1 : 1;
      return draft(revision, previous ? previous[2] : digest.slice(0, 8), digest, user, purpose);
    }
    case 'evaluate':
      return review(user, digest);
    case 'plan':
      return plan(user, digest);
    default: {
      const unknown: never = purpose;
      throw new Error(`simulated provider has no answer for purpose '${String(unknown)}'`);
    }
  }
}

function draft(revision: number, ref: string, digest: string, user: string, purpose: CallPurpose): string {
  const question = section(user, 'Question') ?? user;
  const topic = question.replace(/\s+/g, ' ').trim().slice(0, 80);
  const covered = Array.from(
    { length: Math.min(ASPECTS.length, revision + 1) },
    (_, i) => ASPECTS[(parseInt(digest.slice(i * 2, i * 2 + 2), 16) + i) % ASPECTS.length],
  );
  const kind = purpose === 'synthesize' ? 'combined answer' : revision > 1 ? 'revised answer' : 'answer';
  return [
    `${SIMULATED_MARK} [simulated draft r${revision} ref ${ref}]`,
    `Simulated ${kind} to "${topic}".`,
    `It covers ${[...new Set(covered)].join(', ')}.`,
    `(Generated offline by the simulated provider; fingerprint ${digest.slice(8, 20)}.)`,
  ].join('\n');
}

/** Score as a function of the draft's key (difficulty) and revision (effort spent on it). */
export function simulatedScore(ref: string, revision: number): number {
  const difficulty = (parseInt(ref, 16) % 1000) / 1000;
  const base = 0.4 + 0.25 * (1 - difficulty);
  const gain = 0.04 + 0.16 * (1 - difficulty);
  const ceiling = 0.97 - 0.3 * difficulty;
  return Math.round(Math.min(ceiling, base + gain * (revision - 1)) * 100) / 100;
}

function review(user: string, digest: string): string {
  const candidate = section(user, 'Candidate answer') ?? user;
  const marker = MARKER.exec(candidate);
  // An answer the simulated model did not write is judged as a first draft of its own text.
  const ref = marker ? marker[2] : sha256(candidate).slice(0, 8);
  const revision = marker ? Number(marker[1]) : 1;
  const score = simulatedScore(ref, revision);
  const stop = score >= SIMULATED_STOP_SCORE;
  const aspect = ASPECTS[parseInt(digest.slice(0, 2), 16) % ASPECTS.length];
  const feedback = stop
    ? `${SIMULATED_MARK} The answer is complete enough; no further refinement needed.`
    : `${SIMULATED_MARK} Expand on ${aspect} and tighten the reasoning (simulated review of draft r${revision}).`;
  return `SCORE: ${score.toFixed(2)}\nSTOP: ${stop ? 'yes' : 'no'}\nFEEDBACK: ${feedback}`;
}

function plan(user: string, digest: string): string {
  const wanted = /exactly (\d+) specialists/i.exec(user);
  const count = Math.max(1, Math.min(ROLES.length, wanted ? Number(wanted[1]) : 3));
  const start = parseInt(digest.slice(0, 4), 16) % ROLES.length;
  const lines = Array.from({ length: count }, (_, i) => {
    const [name, focus] = ROLES[(start + i) % ROLES.length];
    return `${i + 1}. ${name}: ${focus}`;
  });
  return `${SIMULATED_MARK} Simulated plan:\n${lines.join('\n')}`;
}

/** The text under a `Label:` heading, up to the next blank line followed by another heading. */
function section(text: string, label: string): string | null {
  const start = text.indexOf(`${label}:\n`);
  if (start < 0) return null;
  const body = text.slice(start + label.length + 2);
  const end = body.search(/\n\n[A-Z][A-Za-z' ]+:\n/);
  return end < 0 ? body : body.slice(0, end);
}

/** One-shot: a third of the time of a Hash object per call, and two calls per round of every job. */
function sha256(text: string): string {
  return hash('sha256', text, 'hex');
}
