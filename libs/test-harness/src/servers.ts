/**
 * Private nats-server and redis-server instances for one test suite: free ports and
 * temporary data directories, so suites run in parallel and can kill and restart servers.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import type { ManagedProcess } from './managed-process.js';
import { serverProcess } from './server-process.js';

export interface TestServer {
  url: string;
  port: number;
  process: ManagedProcess;
  /** Stops the server (SIGTERM) and removes its data. */
  stop(): Promise<void>;
  /** kill -9, leaving its data in place for a restart. */
  crash(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  restart(): Promise<void>;
}

async function startServer(
  label: string,
  command: string,
  args: (port: number, dir: string) => string[],
  scheme: string,
): Promise<TestServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `crux-${label}-`));
  const server = serverProcess({ label, command, args: args(port, dir), port, url: `${scheme}://127.0.0.1:${port}`, dir });
  await server.start();
  return server;
}

export function startNats(): Promise<TestServer> {
  return startServer(
    'nats',
    process.env.NATS_SERVER_BIN ?? 'nats-server',
    (port, dir) => ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir],
    'nats',
  );
}

export function startRedis(): Promise<TestServer> {
  return startServer(
    'redis',
    process.env.REDIS_SERVER_BIN ?? 'redis-server',
    (port, dir) => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    'redis',
  );
}
