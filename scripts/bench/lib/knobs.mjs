/**
 * Benchmark sizes come from BENCH_* environment variables with defaults that keep the whole
 * `npm run bench` within about five minutes on a 2-core machine. Each benchmark declares
 * its knobs in one object, so the figures it prints can say exactly what was run.
 */

/**
 * @typedef {object} Knob
 * @property {number} default
 * @property {number} min
 * @property {number} max
 * @property {string} meaning
 */

/**
 * Reads every knob of a benchmark from the environment.
 * @template {Record<string, Knob>} K
 * @param {K} knobs  keyed by environment variable name
 * @param {Record<string, string | undefined>} [env]
 * @returns {{ [name in keyof K]: number }}
 */
export function readKnobs(knobs, env = process.env) {
  /** @type {Record<string, number>} */
  const values = {};
  for (const [name, knob] of Object.entries(knobs)) {
    const raw = env[name]?.trim();
    const value = raw ? Number(raw) : knob.default;
    if (!Number.isFinite(value) || value < knob.min || value > knob.max) {
      throw new Error(`${name} must be a number from ${knob.min} to ${knob.max} (${knob.meaning}), got '${raw}'`);
    }
    values[name] = value;
  }
  return /** @type {{ [name in keyof K]: number }} */ (values);
}

/**
 * One line naming every knob and its value, for the output and BENCHMARKS.md.
 * @param {Record<string, number>} values
 */
export function knobsLine(values) {
  return Object.entries(values)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
}
