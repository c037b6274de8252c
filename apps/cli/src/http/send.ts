/**
 * One HTTP exchange over node:http. Not fetch: Node's fetch gives up on a response after
 * five minutes without headers, and `submit --sync` legitimately waits longer than that.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface SendOptions {
  method: string;
  headers?: Record<string, string>;
  body?: string;
  /** Abandons the exchange after this long without any bytes moving; undefined waits for ever. */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
}

/** The socket went quiet for longer than `idleTimeoutMs`. */
export class IdleTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(ms: number) {
    super(`no answer for ${Math.round(ms / 1000)} s`);
    this.name = 'IdleTimeoutError';
  }
}

/** Resolves with the response once its headers arrive; the caller reads or destroys the body. */
export function send(url: URL, options: SendOptions): Promise<IncomingMessage> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
    const req = request(url, { method: options.method, headers, signal: options.signal }, resolve);
    req.on('error', reject);
    if (options.idleTimeoutMs !== undefined) {
      const ms = options.idleTimeoutMs;
      req.setTimeout(ms, () => req.destroy(new IdleTimeoutError(ms)));
    }
    req.end(options.body);
  });
}

export async function readBody(response: IncomingMessage): Promise<string> {
  response.setEncoding('utf8');
  let text = '';
  for await (const chunk of response) text += chunk as string;
  return text;
}

/** The node error code of a failed exchange (ECONNREFUSED, ENOTFOUND, ...), if it has one. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isAbort(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'AbortError';
}
