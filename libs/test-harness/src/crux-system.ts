/**
 * The whole of Crux for a test, a benchmark or a chaos run: private NATS and Redis, and the
 * built services (apps/<name>/dist/main.js) as real processes that can be killed and
 * restarted. Services are spawned by path, never imported: apps stay independent.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { ManagedProcess } from './managed-process.js';
import { startNats, startRedis, type TestServer } from './servers.js';
import { waitFor } from './wait-for.js';
import { workspaceRoot } from './workspace-root.js';

export type ServiceName = 'gateway' | 'job-state' | 'worker' | 'audit';

export interface TestKey {
  name: string;
  role: 'submitter' | 'operator' | 'auditor';
  secret: string;
}

export const TEST_KEYS = {
  alice: { name: 'alice', role: 'submitter', secret: 'alice-secret-0123456789abcdef' },
  bob: { name: 'bob', role: 'submitter', secret: 'bob-secret-0123456789abcdef' },
  ops: { name: 'ops', role: 'operator', secret: 'ops-secret-0123456789abcdef' },
  auditor: { name: 'auditor', role: 'auditor', secret: 'auditor-secret-0123456789abcdef' },
} as const satisfies Record<string, TestKey>;

export interface CruxSystemOptions {
  /** Services to start, with how many replicas; defaults to one of each. */
  services?: Partial<Record<ServiceName, number>>;
  /** Extra environment for every service (CRUX_* settings). */
  env?: Record<string, string>;
}

export class CruxSystem {
  readonly processes = new Map<string, ManagedProcess>();
  private constructor(
    readonly nats: TestServer,
    readonly redis: TestServer,
    readonly httpPort: number,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  static async start(options: CruxSystemOptions = {}): Promise<CruxSystem> {
    const [nats, redis, httpPort] = await Promise.all([startNats(), startRedis(), freePort()]);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_OPTIONS: '',
      NODE_ENV: 'test',
      NATS_URL: nats.url,
      REDIS_URL: redis.url,
      CRUX_HTTP_PORT: String(httpPort),
      CRUX_HTTP_HOST: '127.0.0.1',
      CRUX_API_KEYS: Object.values(TEST_KEYS).map((k) => `${k.name}:${k.role}:${k.secret}`).join(','),
      CRUX_SIMULATED_LATENCY_MS: '5',
      // Suites and benchmarks drive one key hard; the limiter has its own tests.
      CRUX_RATE_LIMIT_PER_S: '1000000',
      CRUX_RATE_LIMIT_BURST: '1000000',
      ...options.env,
    };
    const system = new CruxSystem(nats, redis, httpPort, env);
    const wanted = options.services ?? { 'job-state': 1, audit: 1, worker: 1, gateway: 1 };
    try {
      // job-state first: the others ask it questions as soon as they are up.
      for (const name of ['job-state', 'audit', 'worker', 'gateway'] as ServiceName[]) {
        for (let i = 1; i <= (wanted[name] ?? 0); i++) await system.startService(name, i);
      }
    } catch (error) {
      // Leave nothing running (servers, data directories) when the system cannot start.
      await system.stop();
      throw error;
    }
    return system;
  }

  /** Starts replica `index` of a service and waits for its ready line. */
  async startService(name: ServiceName, index = 1, extraEnv: Record<string, string> = {}): Promise<ManagedProcess> {
    const main = join(workspaceRoot(), 'apps', name, 'dist', 'main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: build the workspace first (npx nx run-many -t build)`);
    const label = `${name}-${index}`;
    const env = { ...this.env, CRUX_WORKER_ID: label, ...extraEnv };
    const proc = new ManagedProcess(label, process.execPath, [main], env);
    this.processes.set(label, proc);
    await this.waitReady(proc, name);
    return proc;
  }

  async restartService(label: string): Promise<void> {
    const proc = this.service(label);
    await proc.stop();
    proc.output.length = 0;
    proc.start();
    await this.waitReady(proc, label.replace(/-\d+$/, ''));
  }

  service(label: string): ManagedProcess {
    const proc = this.processes.get(label);
    if (!proc) throw new Error(`no service ${label}; have ${[...this.processes.keys()].join(', ')}`);
    return proc;
  }

  private async waitReady(proc: ManagedProcess, name: string): Promise<void> {
    if (!proc.running) proc.start();
    await waitFor(
      () => {
        if (!proc.running) throw new Error(`${proc.label} exited:\n${proc.log()}`);
        return proc.log().includes(`crux-${name} ready`);
      },
      { what: `${proc.label} to be ready`, timeoutMs: 30_000 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n--- ${proc.label} output ---\n${proc.log()}`, { cause: error });
    });
  }

  /** fetch against the gateway with a test key. */
  request(path: string, key: TestKey | null, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (key) headers.set('authorization', `Bearer ${key.secret}`);
    if (init.body && !headers.has('content-type')) headers.set('content-type', 'application/json');
    return fetch(`${this.url}${path}`, { ...init, headers });
  }

  async stop(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.stop()));
    await Promise.all([this.nats.stop(), this.redis.stop()]);
  }

  /** Every service's output, for a failing assertion's message. */
  logs(): string {
    return [...this.processes.values()].map((p) => `--- ${p.label} ---\n${p.log()}`).join('\n');
  }
}
