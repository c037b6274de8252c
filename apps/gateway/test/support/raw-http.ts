import { connect, type Socket } from 'node:net';

/** A plain TCP client: for what fetch will not send (two Authorization headers, Expect, a dripped request). */
export interface RawConnection {
  socket: Socket;
  /** Everything received so far. */
  received(): string;
  /** Resolves with everything received once the server has closed the connection. */
  closed: Promise<string>;
  /** Errors the socket met (a reset by the server shows here as ECONNRESET or EPIPE). */
  errors: Error[];
  /** Whether the server has ended its side (sent FIN). */
  ended(): boolean;
  /** Resolves once what was received matches. */
  waitFor(pattern: RegExp): Promise<string>;
  send(text: string): void;
  close(): void;
}

/**
 * `allowHalfOpen` keeps this side open for writing after the server has ended its side, as a
 * client still sending a request body does.
 */
export async function rawConnect(url: string, options: { allowHalfOpen?: boolean } = {}): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port), allowHalfOpen: options.allowHalfOpen ?? false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let text = '';
  const waiters = new Set<() => void>();
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString('latin1');
    for (const wake of waiters) wake();
  });
  const errors: Error[] = [];
  socket.on('error', (error) => errors.push(error));
  let ended = false;
  socket.on('end', () => (ended = true));
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(text)));
  return {
    socket,
    received: () => text,
    closed,
    errors,
    ended: () => ended,
    waitFor: (pattern) =>
      new Promise<string>((resolve, reject) => {
        const check = () => {
          if (pattern.test(text)) {
            waiters.delete(check);
            resolve(text);
          } else if (socket.destroyed) {
            waiters.delete(check);
            reject(new Error(`connection closed before ${pattern} arrived; received: ${text}`));
          }
        };
        waiters.add(check);
        socket.once('close', check);
        check();
      }),
    send: (data) => {
      socket.write(data);
    },
    close: () => socket.destroy(),
  };
}

/** The status code of the first response in what was received. */
export function firstStatus(received: string): number {
  const match = /^HTTP\/1\.1 (\d{3})/.exec(received);
  if (!match) throw new Error(`no status line in: ${received.slice(0, 200)}`);
  return Number(match[1]);
}

/** The JSON body of the last response in what was received. */
export function lastJson(received: string): { status_code: number; message: string } {
  const body = received.slice(received.lastIndexOf('\r\n\r\n') + 4);
  return JSON.parse(body);
}
