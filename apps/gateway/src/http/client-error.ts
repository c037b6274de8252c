import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { apiError } from '@crux/contracts';
import { SECURITY_HEADERS, API_CONTENT_SECURITY_POLICY } from '../edge/security-headers.js';

const MESSAGES: Record<number, string> = {
  408: 'the request took too long to arrive (CRUX_HTTP_HEADERS_TIMEOUT_MS for the headers, CRUX_HTTP_REQUEST_TIMEOUT_MS for the whole request); the connection is closed',
  431: 'the request headers are too large',
  400: 'the request is not valid HTTP',
};

/**
 * What a client hears when its request never became one (Node's `clientError`): too slow
 * (408), headers too large (431) or not HTTP (400) — in the API's error shape and headers,
 * then the connection is closed.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const body = JSON.stringify(apiError(status, STATUS_CODES[status] ?? 'Error', MESSAGES[status]));
  const headers = [
    ...SECURITY_HEADERS.map(([name, value]) => `${name}: ${value}`),
    `Content-Security-Policy: ${API_CONTENT_SECURITY_POLICY}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ];
  if (socket.writable) socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${headers.join('\r\n')}\r\n\r\n${body}`);
  socket.destroySoon();
}
