import type { ServerResponse } from 'node:http';

/**
 * Writes a JSON answer straight to the socket. Used where the status depends on the outcome
 * (202 vs 200 vs 504) and on the submit hot path, where Nest's response pipeline is overhead.
 */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  const payload = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(payload));
  if (headers) for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(payload);
}

/**
 * True when the client has already gone: its `close` event has passed, so a listener added
 * now would never hear it. Long waits check this right after adding theirs.
 */
export function clientGone(res: ServerResponse): boolean {
  return res.destroyed || res.socket?.destroyed === true;
}
