/**
 * "The highest fixed rate both sustain", defined so it can be checked: rates come from one
 * fixed ladder, a system sustains a rate when an open loop at that rate completes every job
 * and its completions keep pace (completed jobs/s ≥ a fraction of the offered rate, so no
 * queue builds), and the search steps along the ladder from a start until the answer is
 * bracketed or its trials run out. Pure: the trials are passed in.
 */

/** Offered rates tried, jobs/s. */
export const RATE_LADDER = Object.freeze([
  50, 100, 150, 200, 250, 300, 400, 500, 600, 800, 1000, 1250, 1500, 2000, 2500, 3000, 4000, 5000, 6000, 8000, 10000,
]);

/**
 * The largest ladder step ≤ `rate`, or null below the first.
 * @param {number} rate
 */
export function stepAtOrBelow(rate) {
  let found = null;
  for (const step of RATE_LADDER) if (step <= rate) found = step;
  return found;
}

/** @param {number} rate @returns {number | null} the next step above `rate` */
export function stepAbove(rate) {
  return RATE_LADDER.find((step) => step > rate) ?? null;
}

/** @param {number} rate @returns {number | null} the next step below `rate` */
export function stepBelow(rate) {
  return stepAtOrBelow(rate - 1e-9);
}

/**
 * Whether a fixed-rate phase kept up with its offered load: nothing left unfinished, and
 * completed jobs/s (first due → last completion) at least `fraction` of the offered rate. A
 * system slower than the offered rate builds a queue that the last completion shows; one
 * that keeps up finishes within its own latency of the last due time.
 * @param {{ offered: number, completed: number, unfinished: number, throughput: number }} phase
 * @param {number} rate  offered jobs/s
 * @param {number} fraction  0–1
 */
export function sustains(phase, rate, fraction) {
  return phase.unfinished === 0 && phase.completed >= phase.offered && phase.throughput >= fraction * rate;
}

/**
 * @template {{ sustained: boolean }} T
 * @typedef {object} SearchResult
 * @property {number | null} highest  the highest step sustained (null: none found)
 * @property {boolean} capped  the trials ran out before a step above `highest` failed, so it is a lower bound
 * @property {Map<number, T>} trials  every rate tried, with its result (including those known beforehand)
 */

/**
 * Steps along the ladder from `start`: upwards while the system sustains each step (when
 * `up`), downwards until it sustains one. Results already in `known` are reused, not rerun.
 * @template {{ sustained: boolean }} T
 * @param {{ start: number, trial: (rate: number) => Promise<T>, maxTrials: number, up?: boolean, known?: Map<number, T> }} options
 *   start: a ladder step
 * @returns {Promise<SearchResult<T>>}
 */
export async function searchHighestSustained({ start, trial, maxTrials, up = true, known = new Map() }) {
  if (!RATE_LADDER.includes(start)) throw new Error(`start ${start} is not a step of the rate ladder`);
  const trials = new Map(known);
  let run = 0;
  /** @param {number} rate @returns {Promise<T | undefined>} undefined once the trials have run out */
  const at = async (rate) => {
    if (!trials.has(rate)) {
      if (run >= maxTrials) return undefined;
      run++;
      trials.set(rate, await trial(rate));
    }
    return trials.get(rate);
  };

  const first = await at(start);
  if (first === undefined) return { highest: null, capped: true, trials };
  if (first.sustained) {
    let highest = start;
    if (!up) return { highest, capped: false, trials };
    for (;;) {
      const next = stepAbove(highest);
      if (next === null) return { highest, capped: false, trials };
      const result = await at(next);
      if (result === undefined) return { highest, capped: true, trials };
      if (!result.sustained) return { highest, capped: false, trials };
      highest = next;
    }
  }
  for (let rate = start; ;) {
    const lower = stepBelow(rate);
    if (lower === null) return { highest: null, capped: false, trials };
    rate = lower;
    const result = await at(rate);
    if (result === undefined) return { highest: null, capped: true, trials };
    if (result.sustained) return { highest: rate, capped: false, trials };
  }
}
