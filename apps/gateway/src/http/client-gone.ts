import type { ServerResponse } from 'node:http';

/**
 * True when the client has already gone: its `close` event has passed, so a listener added
 * now would never hear it. Long waits check this right after adding theirs.
 */
export function clientGone(res: ServerResponse): boolean {
  return res.destroyed || res.socket?.destroyed === true;
}
