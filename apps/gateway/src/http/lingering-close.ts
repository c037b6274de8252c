import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';

export interface LingerLimits {
  /** Closed once the client has sent nothing for this long. */
  idleMs: number;
  /** Closed after this long whatever the client does. */
  maxMs: number;
}

/** Long enough for a refused upload to finish on a slow link; short enough to cost nothing. */
export const LINGER: LingerLimits = { idleMs: 1000, maxMs: 5000 };

const lingering = new WeakSet<Socket>();
/** Connections that answered a refusal with `Connection: close`: they take no further request. */
const closing = new WeakSet<Socket>();

/**
 * Whether this connection is closing after a refusal. A request that arrives on it anyway (sent
 * before the client read the refusal, or by a client that ignores `Connection: close`) is not
 * processed (RFC 9112 §9.6): its answer could not be written, and what it asks for must not
 * happen unseen.
 */
export function isClosing(socket: Socket): boolean {
  return closing.has(socket);
}

/**
 * Closes a connection in stages (RFC 9112 §9.6) after an answer given before the request had
 * all arrived. Node closes a `Connection: close` connection as soon as the answer is written;
 * the bytes the client is still sending then meet a TCP reset, and a reset can wipe the answer
 * from the client's buffers before it reads it (fetch fails with no status at all). So: send
 * FIN after the answer, keep reading and dropping what comes, and close once the request has
 * all arrived, the client closes its side, it goes quiet (`idleMs`) or `maxMs` has passed.
 * `request` is the refused request (null when it never became one, as in a 431): its end is
 * when nothing more is owed. Safe to call twice.
 */
export function lingeringClose(socket: Socket, request: IncomingMessage | null, limits: LingerLimits = LINGER): void {
  if (socket.destroyed || lingering.has(socket)) return;
  closing.add(socket);
  if (request?.complete) {
    // Nothing more is owed: Node's own close (FIN once the answer is out, then close) is safe.
    Socket.prototype.destroySoon.call(socket);
    return;
  }
  lingering.add(socket);
  let readSoFar = socket.bytesRead;
  const close = () => {
    clearTimeout(idle);
    clearTimeout(cap);
    // Never before the answer and the FIN have left: destroy drops what is still queued.
    if (socket.writableFinished) socket.destroy();
    else socket.once('finish', () => socket.destroy());
  };
  // Quiet means nothing read since the last look (Node's HTTP parser may read the socket
  // natively, without 'data' events).
  const idle = setTimeout(function look() {
    if (socket.bytesRead === readSoFar) return close();
    readSoFar = socket.bytesRead;
    idle.refresh();
  }, limits.idleMs);
  const cap = setTimeout(close, limits.maxMs);
  socket.once('close', () => {
    clearTimeout(idle);
    clearTimeout(cap);
  });
  socket.once('end', close);
  socket.on('error', close);
  if (socket.writable) socket.end();
  // Whatever still arrives is read and dropped: through the request while there is one (Node's
  // HTTP parser feeds it), straight off the socket otherwise.
  if (request) {
    request.once('end', close);
    request.once('error', close);
    request.resume();
  } else {
    socket.resume();
  }
}

/**
 * Makes the close Node does after this request's answer (it calls `socket.destroySoon()` for
 * a `Connection: close` answer) a lingering one: for refusals sent before the body was read.
 */
export function lingerAfterAnswer(request: IncomingMessage): void {
  const socket = request.socket;
  closing.add(socket);
  socket.destroySoon = () => lingeringClose(socket, request);
}
