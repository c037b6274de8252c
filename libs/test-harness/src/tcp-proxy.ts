/**
 * A TCP proxy in front of the test's nats-server, so one service can lose its connection
 * while the server, and everyone else, stays up: `cut()` drops its connections and refuses
 * new ones until `restore()`. That is how a cancel gets published while a worker is away.
 * `hold()` keeps the connections but forwards nothing either way until `release()`, which
 * delivers everything held, in order: a worker that does not notice it was away, as when
 * its process was frozen. `hold()` then `cut()` loses what was held, as a connection does
 * that dies with messages in flight.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private refusing = false;
  /** Chunks read while held, with the socket each is for, in arrival order. */
  private held: Array<[Socket, Buffer]> | null = null;
  private listeningPort = 0;

  private constructor(targetPort: number) {
    this.server = createServer((client) => {
      if (this.refusing) {
        client.destroy();
        return;
      }
      const upstream = createConnection({ port: targetPort, host: '127.0.0.1' });
      for (const [a, b] of [
        [client, upstream],
        [upstream, client],
      ]) {
        this.sockets.add(a);
        a.on('error', () => b.destroy());
        a.on('close', () => {
          this.sockets.delete(a);
          b.destroy();
        });
        a.on('data', (chunk: Buffer) => {
          if (this.held) this.held.push([b, chunk]);
          else b.write(chunk);
        });
      }
    });
  }

  static async start(targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetPort);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    const address = proxy.server.address();
    if (!address || typeof address !== 'object') throw new Error('the proxy has no port');
    proxy.listeningPort = address.port;
    return proxy;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.listeningPort}`;
  }

  cut(): void {
    this.refusing = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.refusing = false;
  }

  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const [socket, chunk] of held) if (!socket.destroyed) socket.write(chunk);
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
