/**
 * Reading a reviewer's reply: score, stop decision and feedback, tolerant of how models
 * format it (labelled lines, JSON in prose or code fences, scores as strings or out of 10).
 * It never throws: a reply with no readable score is a failing review that does not stop,
 * so the loop refines again rather than accepting an answer nobody judged.
 */
export interface Evaluation {
  /** 0..1 */
  score: number;
  stop: boolean;
  feedback: string;
}

/** Feedback when the reply carried none, so the refine prompt still says something useful. */
export const NO_FEEDBACK = 'The reviewer gave no usable feedback; check the answer for errors and gaps.';

const SCORE_KEYS = ['score', 'rating', 'grade'];
const STOP_KEYS = ['stop', 'should_stop', 'done', 'converged'];
const FEEDBACK_KEYS = ['feedback', 'critique', 'comments', 'suggestions', 'reason'];

export function parseEvaluation(reply: unknown): Evaluation {
  const text = typeof reply === 'string' ? reply : reply == null ? '' : String(reply);
  return fromJson(text) ?? fromLabels(text);
}

function fromLabels(text: string): Evaluation {
  // `SCORE: 0.7`, `**Score:** 8/10`, `score = 85%`; markdown emphasis is ignored.
  const plain = text.replace(/\*\*|__/g, '');
  const score = /\b(?:score|rating|grade)\s*[:=]\s*["']?([-+]?[0-9]*\.?[0-9]+)\s*(%|\/\s*[0-9]*\.?[0-9]+)?/i.exec(plain);
  const stop = /\b(?:stop|done|converged)\s*[:=]\s*["']?(yes|no|true|false)\b/i.exec(plain);
  const feedback = /\bfeedback\s*[:=]\s*([\s\S]*)$/i.exec(plain);
  return {
    score: score ? scoreFrom(score[1], score[2]) : 0,
    stop: stop ? /^(yes|true)$/i.test(stop[1]) : false,
    feedback: orNoFeedback(feedback ? feedback[1] : text),
  };
}

/** The first JSON object in the reply (bare, in prose or in a code fence) that has a score. */
function fromJson(text: string): Evaluation | null {
  for (const candidate of jsonObjects(text)) {
    const entries = Object.entries(candidate).map(([key, value]) => [key.toLowerCase(), value] as const);
    const field = (keys: string[]) => entries.find(([key]) => keys.includes(key))?.[1];
    const rawScore = field(SCORE_KEYS);
    const score = typeof rawScore === 'number' ? scoreFrom(String(rawScore)) : typeof rawScore === 'string' ? scoreText(rawScore) : null;
    if (score === null) continue;
    return { score, stop: truthy(field(STOP_KEYS)), feedback: orNoFeedback(feedbackText(field(FEEDBACK_KEYS))) };
  }
  return null;
}

/** Every balanced `{…}` that parses as a JSON object, outermost first. */
function* jsonObjects(text: string): Generator<Record<string, unknown>> {
  for (let start = text.indexOf('{'); start >= 0; start = text.indexOf('{', start + 1)) {
    const end = matchingBrace(text, start);
    if (end < 0) continue;
    try {
      const value: unknown = JSON.parse(text.slice(start, end + 1));
      if (value && typeof value === 'object' && !Array.isArray(value)) yield value as Record<string, unknown>;
    } catch {
      // not JSON; an inner brace may still start one
    }
  }
}

function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/** A score given as text: `"0.8"`, `"8/10"`, `"85%"`; null when there is no number in it. */
function scoreText(raw: string): number | null {
  const match = /([-+]?[0-9]*\.?[0-9]+)\s*(%|\/\s*[0-9]*\.?[0-9]+)?/.exec(raw);
  return match ? scoreFrom(match[1], match[2]) : null;
}

/** To 0..1: an explicit `/10` or `%` scale wins; otherwise scores above 1 are read as out of 10, above 10 as out of 100. */
function scoreFrom(number: string, scale?: string): number {
  const raw = Number(number);
  if (!Number.isFinite(raw) || raw < 0) return 0;
  if (scale === '%') return Math.min(1, raw / 100);
  if (scale) {
    const out = Number(scale.replace('/', '').trim());
    return out > 0 ? Math.min(1, raw / out) : 0;
  }
  const scaled = raw > 10 ? raw / 100 : raw > 1 ? raw / 10 : raw;
  return Math.min(1, scaled);
}

function truthy(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1;
  return typeof value === 'string' && /^\s*(yes|true|1)\s*$/i.test(value);
}

function feedbackText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.filter((v) => typeof v === 'string').join('\n');
  return '';
}

function orNoFeedback(text: string): string {
  const trimmed = text.trim();
  return trimmed || NO_FEEDBACK;
}
