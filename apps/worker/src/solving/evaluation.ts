/** Reading a reviewer's reply: score, stop decision and feedback, tolerant of how models format it. */
export interface Evaluation {
  /** 0..1 */
  score: number;
  stop: boolean;
  feedback: string;
}

export function parseEvaluation(text: string): Evaluation {
  const json = tryJson(text);
  if (json) return json;
  const score = /score\s*[:=]\s*([0-9]*\.?[0-9]+)/i.exec(text);
  const stop = /stop\s*[:=]\s*(yes|no|true|false)/i.exec(text);
  const feedback = /feedback\s*[:=]\s*([\s\S]*)$/i.exec(text);
  return {
    score: score ? clampScore(Number(score[1])) : 0,
    stop: stop ? /^(yes|true)$/i.test(stop[1]) : false,
    feedback: (feedback ? feedback[1] : text).trim(),
  };
}

function tryJson(text: string): Evaluation | null {
  const match = /\{[\s\S]*\}/.exec(text);
  if (!match) return null;
  try {
    const value = JSON.parse(match[0]) as Record<string, unknown>;
    if (typeof value.score !== 'number') return null;
    return {
      score: clampScore(value.score),
      stop: value.stop === true || value.stop === 'yes',
      feedback: typeof value.feedback === 'string' ? value.feedback : '',
    };
  } catch {
    return null;
  }
}

/** Scores given out of 10 or 100 are brought to 0..1. */
function clampScore(raw: number): number {
  if (!Number.isFinite(raw) || raw < 0) return 0;
  const scaled = raw > 10 ? raw / 100 : raw > 1 ? raw / 10 : raw;
  return Math.min(1, scaled);
}
