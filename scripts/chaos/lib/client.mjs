/**
 * The chaos run's HTTP client: what a patient API client does through a failover. A request
 * that fails with a network error or a 5xx is retried (bounded); a 2xx or 4xx is an answer.
 */
import { TEST_KEYS } from '@crux/test-harness';

export const KEYS = TEST_KEYS;
const RETRY_MS = 200;

/**
 * @param {import('@crux/test-harness').CruxSystem} system
 * @param {string} path
 * @param {{ key?: import('@crux/test-harness').TestKey, method?: string, body?: unknown, patienceMs?: number, attempts?: string[] }} options
 *   attempts: when given, every try is noted there (time and outcome), so a report can tell
 *   whether a request reached the system more than once.
 * @returns {Promise<{ status: number, body: any } | null>} null when no answer came within patienceMs
 */
export async function call(system, path, { key = KEYS.alice, method = 'GET', body, patienceMs = 30_000, attempts } = {}) {
  const deadline = Date.now() + patienceMs;
  for (;;) {
    const at = new Date().toISOString();
    let failure = null;
    const response = await system
      .request(path, key, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
      .catch((error) => {
        failure = error?.cause?.code ?? error?.message ?? String(error);
        return null;
      });
    attempts?.push(`${at} ${method} ${path} → ${response ? response.status : `no answer (${failure})`}`);
    if (response && response.status < 500) {
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    }
    if (Date.now() > deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}

/**
 * Submits a job and waits until it is completed: the probe of "the system works again".
 * Answers the ms from `sinceMs` to its completion, or null if that did not happen in time.
 */
export async function probe(system, sinceMs, patienceMs = 90_000) {
  const deadline = Date.now() + patienceMs;
  const submitted = await call(system, '/api/v1/solve/basic', {
    method: 'POST',
    body: { question: 'chaos probe', n_iters: 1 },
    patienceMs,
  });
  if (submitted?.status !== 202) return null;
  const id = submitted.body.job_id;
  while (Date.now() < deadline) {
    const job = await call(system, `/api/v1/jobs/${id}`, { patienceMs: Math.max(0, deadline - Date.now()) });
    if (job?.status === 200 && job.body.status === 'completed') return Date.now() - sinceMs;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return null;
}
