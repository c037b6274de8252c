import type { Server } from 'node:http';
import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

/** How often, while closing, connections that have become idle are closed. */
const SWEEP_MS = 50;

/**
 * Lets in-flight requests finish at shutdown without keep-alive connections holding the
 * server open: `server.close()` closes only the connections idle at that moment, so a
 * connection whose request finishes later would linger until its keep-alive timeout.
 */
@Injectable()
export class GracefulClose implements BeforeApplicationShutdown {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  beforeApplicationShutdown(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    // Closed already (a second close): no connection is left, and no 'close' would end the sweep.
    if (!server?.listening) return;
    const sweep = setInterval(() => server.closeIdleConnections(), SWEEP_MS);
    // Never what keeps a process alive.
    sweep.unref();
    // Requests still arriving on open connections are answered, then their connection closes.
    const closeAfter = (_req: unknown, res: { setHeader(name: string, value: string): void }) => res.setHeader('Connection', 'close');
    server.prependListener('request', closeAfter);
    server.once('close', () => {
      clearInterval(sweep);
      server.off('request', closeAfter);
    });
  }
}
