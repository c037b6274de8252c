/**
 * One clock for every benchmark: epoch milliseconds with sub-millisecond precision, so the
 * client's own times and the services' event timestamps (ISO, ms) can be subtracted.
 */
export const epochNow = () => performance.timeOrigin + performance.now();

/**
 * A performance.now() time (what lib/arrivals.mjs hands out as `dueAt`) as epoch ms.
 * @param {number} perfMs
 */
export const epochOf = (perfMs) => performance.timeOrigin + perfMs;
