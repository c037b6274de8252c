/**
 * One server process of a test (a nats-server, a redis-server, a node of a NATS cluster) as
 * a TestServer: started, stopped with its data removed, killed with SIGKILL and restarted on
 * the same port and data directory. Internal: the package exports TestServer and the
 * functions that start servers, not this.
 */
import { rmSync } from 'node:fs';
import { ManagedProcess } from './managed-process.js';
import type { TestServer } from './servers.js';
import { portAnswers, waitFor } from './wait-for.js';

export interface ServerProcessSpec {
  /** Names the process in its log and in a timeout. */
  label: string;
  command: string;
  args: string[];
  /** The port it listens on for clients: it is up once this port answers. */
  port: number;
  url: string;
  /** Its own directory, removed by stop(). */
  dir: string;
}

/** A server not started yet: `start()` runs it and waits until its port answers. */
export type ServerProcess = TestServer & { start(): Promise<void> };

export function serverProcess(spec: ServerProcessSpec): ServerProcess {
  const proc = new ManagedProcess(spec.label, spec.command, spec.args);
  const start = async () => {
    proc.start();
    await waitFor(() => portAnswers(spec.port), { what: `${spec.label} on port ${spec.port}`, timeoutMs: 20_000 });
  };
  return {
    url: spec.url,
    port: spec.port,
    process: proc,
    start,
    async stop() {
      await proc.stop();
      rmSync(spec.dir, { recursive: true, force: true });
    },
    async crash() {
      await proc.kill('SIGKILL');
    },
    async restart() {
      await proc.stop();
      await start();
    },
  };
}
