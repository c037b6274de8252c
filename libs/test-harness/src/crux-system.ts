/**
 * The whole of Crux for a test, a benchmark or a chaos run: private NATS and Redis, and the
 * built services (apps/<name>/dist/main.js) as real processes that can be killed and
 * restarted. Services are spawned by path, never imported: apps stay independent.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { ManagedProcess } from './managed-process.js';
import { startNatsCluster, type NatsCluster } from './nats-cluster.js';
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
  /**
   * Run on a NATS JetStream cluster of this many nodes instead of one server: NATS_URL lists
   * every node and CRUX_STREAM_REPLICAS equals the node count (3 gives R3 streams).
   */
  natsCluster?: number;
}

export class CruxSystem {
  readonly processes = new Map<string, ManagedProcess>();
  /** HTTP port of each gateway replica beyond the first (the first has httpPort). */
  private readonly gatewayPorts = new Map<string, number>();
  private nextGateway = 0;
  private constructor(
    /** The NATS server, or the first node of the cluster. */
    readonly nats: TestServer,
    /** The cluster, when started with `natsCluster`. */
    readonly natsCluster: NatsCluster | null,
    readonly redis: TestServer,
    readonly httpPort: number,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  /** What the services have as NATS_URL: every node of a cluster. */
  get natsUrl(): string {
    return this.natsCluster?.url ?? this.nats.url;
  }

  static async start(options: CruxSystemOptions = {}): Promise<CruxSystem> {
    const cluster = options.natsCluster ? await startNatsCluster(options.natsCluster) : null;
    const [nats, redis, httpPort] = await Promise.all([cluster ? cluster.nodes[0] : startNats(), startRedis(), freePort()]);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_OPTIONS: '',
      NODE_ENV: 'test',
      NATS_URL: cluster?.url ?? nats.url,
      ...(cluster ? { CRUX_STREAM_REPLICAS: String(cluster.nodes.length) } : {}),
      REDIS_URL: redis.url,
      CRUX_HTTP_PORT: String(httpPort),
      CRUX_HTTP_HOST: '127.0.0.1',
      CRUX_API_KEYS: Object.values(TEST_KEYS)
        .map((k) => `${k.name}:${k.role}:${k.secret}`)
        .join(','),
      CRUX_SIMULATED_LATENCY_MS: '5',
      // Suites and benchmarks drive one key hard; the limiter has its own tests.
      CRUX_RATE_LIMIT_PER_S: '1000000',
      CRUX_RATE_LIMIT_BURST: '1000000',
      ...options.env,
    };
    const system = new CruxSystem(nats, cluster, redis, httpPort, env);
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
    // Gateway replicas each listen on a port of their own; request() spreads over them.
    if (name === 'gateway' && index > 1 && !this.gatewayPorts.has(label)) this.gatewayPorts.set(label, await freePort());
    const port = this.gatewayPorts.get(label);
    const env = { ...this.env, CRUX_WORKER_ID: label, ...(port ? { CRUX_HTTP_PORT: String(port) } : {}), ...extraEnv };
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

  /** Base URL of every running gateway replica (the first gateway's when none runs). */
  gatewayUrls(): string[] {
    const urls = [...this.processes.entries()]
      .filter(([label, proc]) => label.startsWith('gateway-') && proc.running)
      .map(([label]) => `http://127.0.0.1:${this.gatewayPorts.get(label) ?? this.httpPort}`);
    return urls.length > 0 ? urls : [this.url];
  }

  /** fetch against a gateway with a test key; with several gateway replicas, each in turn (a load balancer). */
  request(path: string, key: TestKey | null, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (key) headers.set('authorization', `Bearer ${key.secret}`);
    if (init.body && !headers.has('content-type')) headers.set('content-type', 'application/json');
    const urls = this.gatewayPorts.size > 0 ? this.gatewayUrls() : [this.url];
    const base = urls[this.nextGateway++ % urls.length];
    return fetch(`${base}${path}`, { ...init, headers });
  }

  async stop(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.stop()));
    await Promise.all([this.natsCluster ? this.natsCluster.stop() : this.nats.stop(), this.redis.stop()]);
  }

  /** Every service's output, for a failing assertion's message. */
  logs(): string {
    return [...this.processes.values()].map((p) => `--- ${p.label} ---\n${p.log()}`).join('\n');
  }
}
