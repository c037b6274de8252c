/**
 * Percentiles and summaries shared by every benchmark, so "p99" means the same thing in
 * every table: the nearest-rank percentile of the raw samples, no interpolation.
 */

/**
 * Nearest-rank percentile of `sorted` (ascending). An unfinished sample is Infinity, so a
 * percentile that lands on one reads as "not reached" instead of flattering the figure.
 * @param {number[]} sorted
 * @param {number} p  0–100
 * @returns {number} NaN for no samples
 */
export function percentileOfSorted(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/**
 * @param {number[]} values
 * @param {number} p
 */
export function percentile(values, p) {
  return percentileOfSorted(
    [...values].sort((a, b) => a - b),
    p,
  );
}

/** @param {number[]} values */
export function median(values) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * @typedef {object} Summary
 * @property {number} count
 * @property {number} p50
 * @property {number} p90
 * @property {number} p99
 * @property {number} max
 * @property {number} mean  of the finite samples
 */

/**
 * @param {number[]} values
 * @returns {Summary}
 */
export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const finite = sorted.filter(Number.isFinite);
  return {
    count: sorted.length,
    p50: percentileOfSorted(sorted, 50),
    p90: percentileOfSorted(sorted, 90),
    p99: percentileOfSorted(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : Number.NaN,
    mean: finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : Number.NaN,
  };
}

/**
 * `a / b`, for "Crux ÷ baseline" columns.
 * @param {number} a
 * @param {number} b
 */
export function ratio(a, b) {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : Number.NaN;
}
