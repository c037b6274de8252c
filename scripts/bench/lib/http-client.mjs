/**
 * A small keep-alive JSON client on node:http, for benchmarks that need each answer (the
 * job id in a 202) rather than autocannon's aggregate figures.
 */
import { Agent, request } from 'node:http';

/**
 * @typedef {object} JsonAnswer
 * @property {number} status
 * @property {any} body
 */

/**
 * @param {{ baseUrl: string, headers?: Record<string, string>, maxSockets: number, timeoutMs?: number }} options
 * @returns {{ post(path: string, body: string): Promise<JsonAnswer>, close(): void }}
 */
export function jsonClient({ baseUrl, headers = {}, maxSockets, timeoutMs = 30_000 }) {
  const agent = new Agent({ keepAlive: true, maxSockets });
  /** @returns {Promise<JsonAnswer>} */
  const post = async (/** @type {string} */ path, /** @type {string} */ body) => {
    try {
      return await once(path, body);
    } catch (error) {
      // The server closed an idle keep-alive socket just as it was reused: the request never
      // reached it, so sending it again is safe (the retry Node's documentation prescribes).
      if (/** @type {{ reusedSocket?: boolean }} */ (error).reusedSocket && /** @type {NodeJS.ErrnoException} */ (error).code === 'ECONNRESET') return once(path, body);
      throw error;
    }
  };
  const once = (/** @type {string} */ path, /** @type {string} */ body) =>
    new Promise((resolve, reject) => {
      const req = request(
        `${baseUrl}${path}`,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
          timeout: timeoutMs,
        },
        (res) => {
          /** @type {Buffer[]} */
          const chunks = [];
          res.on('data', (chunk) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed;
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = text;
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`POST ${path}: no answer within ${timeoutMs} ms`)));
      req.on('error', (error) => reject(Object.assign(error, { reusedSocket: req.reusedSocket })));
      req.end(body);
    });
  return { post, close: () => agent.destroy() };
}
