/**
 * Closed-loop HTTP load with autocannon: a fixed number of keep-alive connections, each
 * sending its next request as soon as the previous answer arrives, for a fixed duration.
 */
// @ts-expect-error autocannon ships no type declarations
import autocannon from 'autocannon';

/**
 * @typedef {object} LoadOptions
 * @property {string} url
 * @property {string} body
 * @property {Record<string, string>} headers
 * @property {number} connections
 * @property {number} durationS
 */

/**
 * @typedef {object} LoadResult
 * @property {number} rps       2xx answers per second of the run
 * @property {number} p50       latency, ms
 * @property {number} p99       latency, ms
 * @property {number} ok        2xx answers
 * @property {number} failed    non-2xx answers, errors and timeouts
 * @property {Record<string, { count: number }>} statusCodes
 * @property {number} durationS
 */

/**
 * @param {LoadOptions} options
 * @returns {Promise<LoadResult>}
 */
export async function loadHttp({ url, body, headers, connections, durationS }) {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    connections,
    pipelining: 1,
    duration: durationS,
    timeout: 10,
  });
  return {
    rps: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    failed: result.non2xx + result.errors + result.timeouts,
    statusCodes: result.statusCodeStats,
    durationS: result.duration,
  };
}
