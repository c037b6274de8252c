import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { apiError } from '@crux/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { API_CONTENT_SECURITY_POLICY, SECURITY_HEADERS, setSecurityHeaders } from '../edge/security-headers.js';
import { lingeringClose } from './lingering-close.js';

const MESSAGES: Record<number, string> = {
  408: 'the request took too long to arrive (CRUX_HTTP_HEADERS_TIMEOUT_MS for the headers, CRUX_HTTP_REQUEST_TIMEOUT_MS for the whole request); the connection is closed',
  431: 'the request headers are too large',
  400: 'the request is not valid HTTP',
};

/**
 * What a client hears when its request never became one (Node's `clientError`): too slow
 * (408), headers too large (431) or not HTTP (400) — in the API's error shape and headers,
 * then the connection is closed (in stages, but for a 408).
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
  if (status === 408) {
    // Cut off: a request that timed out is abandoned, and its late bytes are not waited for.
    socket.destroySoon();
    return;
  }
  // Headers too large or not HTTP: the client may still be sending; the parser has stopped,
  // so what follows is only read and dropped until the connection closes in stages.
  lingeringClose(socket, null);
}

/** Longest path parameter the router takes (Fastify's default); job and plan ids are 36 characters. */
export const MAX_PARAM_LENGTH = 100;

/**
 * What a client hears when Fastify's router refuses its URL before any hook runs: a path
 * parameter over MAX_PARAM_LENGTH (414) or a malformed percent-encoding (400) — in the API's
 * error shape and headers, like every other answer.
 */
export function answerFrameworkError(error: { code?: string; statusCode?: number }, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? 400;
  const message =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? `a path segment is longer than ${MAX_PARAM_LENGTH} characters; job and plan ids are UUIDs`
      : error.code === 'FST_ERR_BAD_URL'
        ? 'the URL is malformed (a bad percent-encoding)'
        : 'the request URL cannot be routed';
  setSecurityHeaders(reply.raw);
  reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(apiError(status, STATUS_CODES[status] ?? 'Error', message)));
}
