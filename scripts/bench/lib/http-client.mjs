/**
 * A small keep-alive JSON client on node:http, for benchmarks that need each answer (the
 * job id in a 202, a purge plan's token) rather than autocannon's aggregate figures.
 */
import { Agent, request } from 'node:http';

/**
 * @typedef {object} JsonAnswer
 * @property {number} status
 * @property {any} body
 */

/**
 * @typedef {object} JsonClient
 * @property {(path: string, body: string) => Promise<JsonAnswer>} post
 * @property {(method: string, path: string, body?: string, headers?: Record<string, string>) => Promise<JsonAnswer>} send
 *   any method; `headers` replace the client's for this request (e.g. another API key)
 * @property {() => void} close
 */

/**
 * @param {{ baseUrl: string, headers?: Record<string, string>, maxSockets: number, timeoutMs?: number }} options
 * @returns {JsonClient}
 */
export function jsonClient({ baseUrl, headers = {}, maxSockets, timeoutMs = 30_000 }) {
  const agent = new Agent({ keepAlive: true, maxSockets });
  /** @returns {Promise<JsonAnswer>} */
  const send = async (
    /** @type {string} */ method,
    /** @type {string} */ path,
    /** @type {string | undefined} */ body,
    /** @type {Record<string, string> | undefined} */ extra,
  ) => {
    // The server closed an idle keep-alive socket just as it was reused: the request never
    // reached it, so sending it again is safe (the retry Node's documentation prescribes).
    // Sockets that went idle together expire together, so the retry may draw another stale
    // one: each failure destroys the socket it used, so at most maxSockets retries are due.
    for (let attempt = 0; ; attempt++) {
      try {
        return await once(method, path, body, extra);
      } catch (error) {
        const stale =
          /** @type {{ reusedSocket?: boolean }} */ (error).reusedSocket &&
          /** @type {NodeJS.ErrnoException} */ (error).code === 'ECONNRESET';
        if (!stale || attempt >= maxSockets) throw error;
      }
    }
  };
  const once = (
    /** @type {string} */ method,
    /** @type {string} */ path,
    /** @type {string | undefined} */ body,
    /** @type {Record<string, string> | undefined} */ extra,
  ) =>
    new Promise((resolve, reject) => {
      const req = request(
        `${baseUrl}${path}`,
        {
          method,
          agent,
          headers: {
            ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
            ...headers,
            ...extra,
          },
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
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
      req.on('error', (error) => reject(Object.assign(error, { reusedSocket: req.reusedSocket })));
      req.end(body);
    });
  return {
    post: (path, body) => send('POST', path, body, undefined),
    send: (method, path, body, extra) => send(method, path, body, extra),
    close: () => agent.destroy(),
  };
}
