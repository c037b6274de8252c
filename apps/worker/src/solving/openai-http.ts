/**
 * One HTTP POST with two separate timeouts, over node:http(s) rather than fetch: fetch
 * has no connect timeout of its own, and a server that accepts the connection and never
 * answers must still end the call.
 */
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';

export interface HttpTimeouts {
  /** From sending the request to having a connection (TCP, and TLS for https). */
  connectMs: number;
  /** From having a connection to having the whole answer: bounds a hung or trickling server. */
  readMs: number;
}

export interface HttpAnswer {
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type HttpFailureKind = 'connect_timeout' | 'read_timeout' | 'network';

/** The request got no complete answer. The message never contains request headers. */
export class HttpAttemptError extends Error {
  constructor(
    readonly kind: HttpFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'HttpAttemptError';
  }
}

/** Larger answers are refused rather than held in memory: no chat completion is this big. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

export function postJson(url: URL, headers: Record<string, string>, body: string, timeouts: HttpTimeouts): Promise<HttpAnswer> {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<HttpAnswer>((resolve, reject) => {
    let settled = false;
    let readTimer: NodeJS.Timeout | undefined;
    const connectTimer = setTimeout(() => fail('connect_timeout', `no connection within ${timeouts.connectMs} ms`), timeouts.connectMs);
    const settle = (done: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(readTimer);
      done();
    };
    const fail = (kind: HttpFailureKind, message: string) => {
      settle(() => reject(new HttpAttemptError(kind, message)));
      request.destroy();
    };
    const connected = () => {
      clearTimeout(connectTimer);
      if (settled || readTimer) return;
      readTimer = setTimeout(
        () => fail('read_timeout', `no complete answer within the read timeout of ${timeouts.readMs} ms`),
        timeouts.readMs,
      );
    };

    const request = transport.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
    });
    request.on('socket', (socket: Socket) => {
      // A kept-alive socket is connected already; a new one says so when it is.
      if (!socket.connecting) connected();
      else socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', connected);
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      settle(() => reject(new HttpAttemptError('network', error.code ? `${error.code} (${error.message})` : error.message)));
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > MAX_ANSWER_BYTES) fail('network', `the answer is larger than ${MAX_ANSWER_BYTES} bytes`);
        else chunks.push(chunk);
      });
      response.on('error', (error) => settle(() => reject(new HttpAttemptError('network', `the answer broke off: ${error.message}`))));
      response.on('aborted', () => settle(() => reject(new HttpAttemptError('network', 'the server closed the connection mid-answer'))));
      response.on('end', () =>
        settle(() =>
          resolve({
            status: response.statusCode ?? 0,
            statusText: response.statusMessage ?? '',
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        ),
      );
    });
    request.end(body);
  });
}
