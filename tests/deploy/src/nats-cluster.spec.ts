/**
 * deploy/nats/nats-<n>.conf on a real nats-server 2.9: three nodes form a JetStream cluster
 * under the shipped users, a service connects with a NATS_URL listing every node, and a
 * stream with 3 replicas gets a leader and two current followers. Routes need the route
 * password: a server without it cannot join.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditConsumerName, ConsumerName, JobEventType, StreamName, Subjects } from '@crux/contracts';
import {
  closeNats,
  connectNats,
  ensureJobsStream,
  jetstreamManager,
  projectorConsumerConfig,
  rewindConsumerToAckFloor,
  type NatsConnection,
} from '@crux/messaging';
import { freePort, waitFor, type ManagedProcess } from '@crux/test-harness';
import { deployPath, NATS_NODES, readText, root } from './support/deploy-files.js';
import { natsServer, nodeEnvironment, testPasswords, writeLoopbackConfigs, type LoopbackNode } from './support/loopback-cluster.js';

describe('the deploy/nats cluster configuration', () => {
  const passwords = testPasswords();
  let dir: string;
  let nodes: LoopbackNode[];
  let env: NodeJS.ProcessEnv;
  const servers: ManagedProcess[] = [];
  let nc: NatsConnection | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'crux-deploy-nats-'));
    nodes = await writeLoopbackConfigs(dir);
    env = nodeEnvironment(nodes, passwords);
    for (const node of nodes) {
      const server = natsServer(`nats-${node.n}`, ['-c', node.config], env);
      servers.push(server);
      server.start();
    }
    for (const server of servers) {
      await waitFor(() => server.log().includes('Server is ready'), {
        what: `${server.label} to start: ${server.log()}`,
        timeoutMs: 15_000,
      });
    }
  });

  afterAll(async () => {
    await closeNats(nc);
    for (const server of servers) await server.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(['nats-server.conf', ...NATS_NODES.map((n) => `nats-${n}.conf`)])('nats-server -t accepts the shipped %s', (file) => {
    const result = spawnSync(process.env.NATS_SERVER_BIN ?? 'nats-server', ['-t', '-c', deployPath('nats', file)], {
      encoding: 'utf8',
      env,
    });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: expect.stringContaining('is valid') });
  });

  it('forms one cluster: the job-state user, connected to all three nodes, gets a JOBS stream with 3 replicas, a leader and 2 current followers', async () => {
    const url = nodes.map((node) => `nats://job-state:${passwords.CRUX_NATS_JOB_STATE_PASSWORD}@127.0.0.1:${node.clientPort}`).join(',');
    nc = await connectNats({ url, name: 'deploy-spec' });
    // The meta group may still be electing its leader just after the servers print "ready":
    // until it has one, the JetStream API does not answer.
    const jsm = await waitFor(
      async () => {
        const manager = await jetstreamManager(nc!, { timeout: 2000 });
        await ensureJobsStream(manager, { archiveRetentionS: 3600, streamReplicas: 3 });
        return manager;
      },
      { what: 'JOBS to be created on the cluster', timeoutMs: 20_000 },
    );
    const cluster = await waitFor(
      async () => {
        const info = await jsm.streams.info('JOBS');
        const current = info.cluster?.replicas?.filter((r) => r.current) ?? [];
        return info.cluster?.leader && current.length === 2 ? info.cluster : undefined;
      },
      { what: 'a JOBS leader with two current replicas', timeoutMs: 20_000 },
    );
    expect(cluster.name).toBe('crux');
    // Each node runs under its own name (nats-<n>.conf's server_name wins over the included one).
    const names = [cluster.leader, ...(cluster.replicas ?? []).map((r) => r.name)].sort();
    expect(names).toEqual(['crux-nats-1', 'crux-nats-2', 'crux-nats-3']);
  });

  it('lets job-state recreate its own projector consumer (a new projector leader rewinds it), and no other consumer of JOBS', async () => {
    const jsm = await jetstreamManager(nc!, { timeout: 5000 });
    // The first call creates it, the second deletes it and creates it again at its ack floor.
    expect(await rewindConsumerToAckFloor(jsm, StreamName.Jobs, projectorConsumerConfig())).toBe(1);
    expect(await rewindConsumerToAckFloor(jsm, StreamName.Jobs, projectorConsumerConfig())).toBe(1);
    for (const other of [ConsumerName.Workers, auditConsumerName(JobEventType.Deleted), ConsumerName.LegacyAudit]) {
      await expect(jsm.consumers.delete(StreamName.Jobs, other)).rejects.toThrow(/permission/i);
    }
  });

  it('has a read-only subscriber user that may subscribe to exactly the JOBS and AUDIT stream subjects', () => {
    const conf = readText(deployPath('nats', 'nats-server.conf'));
    const block = /user: subscriber[\s\S]*?subscribe: \{\s*allow: \[([^\]]*)\]/.exec(conf)?.[1] ?? '';
    const allowed = [...block.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
    expect(allowed.sort()).toEqual([...Subjects.jobsStreamSubjects(), ...Subjects.auditStreamSubjects()].sort());
  });

  it('lets the subscriber user receive job events and trail records live, and nothing else: no request subject, no publishing', async () => {
    const url = (user: string, password: string) =>
      nodes.map((node) => `nats://${user}:${password}@127.0.0.1:${node.clientPort}`).join(',');
    const subscriber = await connectNats({
      url: url('subscriber', passwords.CRUX_NATS_SUBSCRIBER_PASSWORD),
      name: 'deploy-spec-subscriber',
    });
    const worker = await connectNats({ url: url('worker', passwords.CRUX_NATS_WORKER_PASSWORD), name: 'deploy-spec-worker' });
    const errors: string[] = [];
    void (async () => {
      for await (const status of subscriber.status()) if (status.type === 'error') errors.push(String(status.error));
    })();
    try {
      const received: string[] = [];
      const events = subscriber.subscribe('job.completed.*', { callback: (_, msg) => void received.push(msg.subject) });
      await subscriber.flush();
      const requests = subscriber.subscribe('job.state.*');
      subscriber.publish('job.created.x', 'forged');
      await subscriber.flush().catch(() => undefined);
      await waitFor(
        () =>
          errors.some((e) => /permissions violation for subscription to "job\.state\.\*"/i.test(e)) &&
          errors.some((e) => /permissions violation for publish to "job\.created\.x"/i.test(e)),
        {
          what: `both violations reported; errors: ${errors.join(' | ')}`,
          timeoutMs: 10_000,
        },
      );
      worker.publish('job.completed.j1', '{}');
      await worker.flush();
      await waitFor(() => received.includes('job.completed.j1'), { what: 'the event to reach the subscriber', timeoutMs: 10_000 });
      events.unsubscribe();
      requests.unsubscribe();
    } finally {
      await closeNats(worker);
      await subscriber.close().catch(() => undefined);
    }
  });

  it("runs the README's subscriber as the subscriber user: it prints a job's events and its trail records, and no permission error", async () => {
    const readme = readText(join(root, 'README.md'));
    const section = readme.slice(readme.indexOf('## Subscribe to job events'));
    const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
    expect(code).toContain('@nats-io/transport-node');
    // Inside the workspace, so that the import resolves from its node_modules.
    const scriptDir = join(root, 'tmp', `readme-subscriber-${process.pid}`);
    mkdirSync(scriptDir, { recursive: true });
    writeFileSync(join(scriptDir, 'subscribe.mjs'), code!);
    const servers = nodes.map((node) => `nats://127.0.0.1:${node.clientPort}`).join(',');
    const child = spawn(process.execPath, [join(scriptDir, 'subscribe.mjs')], {
      env: { PATH: process.env.PATH ?? '', NATS_URL: servers, NATS_USER: 'subscriber', NATS_PASS: passwords.CRUX_NATS_SUBSCRIBER_PASSWORD },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const url = (user: string, password: string) =>
      nodes.map((node) => `nats://${user}:${password}@127.0.0.1:${node.clientPort}`).join(',');
    const worker = await connectNats({ url: url('worker', passwords.CRUX_NATS_WORKER_PASSWORD), name: 'deploy-spec-readme-worker' });
    const audit = await connectNats({ url: url('audit', passwords.CRUX_NATS_AUDIT_PASSWORD), name: 'deploy-spec-readme-audit' });
    try {
      await waitFor(() => output.includes('listening on'), { what: `the subscriber to start: ${output}`, timeoutMs: 15_000 });
      const job = '3f2c9a1e-6b7d-4c8e-9f01-23456789abcd';
      const event = {
        id: 'e1',
        type: 'progress',
        job_id: job,
        occurred_at: '2026-12-06T10:00:00.000Z',
        actor: { kind: 'service', id: 'crux-worker' },
        correlation_id: job,
        causation_id: null,
        data: { progress: 0.5, current_phase: 'evaluate 1/3' },
      };
      const record = {
        action: 'cancel',
        job_id: job,
        actor: { kind: 'user', id: 'alice' },
        reason: 'wrong question',
        recorded_at: '2026-12-06T10:00:01.000Z',
      };
      // Published until seen: the subscriber's interest reaches the other nodes a moment after it starts.
      await waitFor(
        async () => {
          worker.publish(`job.progress.${job}`, JSON.stringify(event));
          audit.publish(`audit.cancel.${job}`, JSON.stringify(record));
          await Promise.all([worker.flush(), audit.flush()]);
          return (
            output.includes(`progress  ${job} by crux-worker 50% evaluate 1/3`) &&
            output.includes(`trail cancel ${job} by alice wrong question`)
          );
        },
        { what: `the event and the record in the subscriber's output: ${output}`, timeoutMs: 15_000, intervalMs: 300 },
      );
      expect(output).not.toMatch(/permission|violation|error/i);
    } finally {
      child.kill('SIGTERM');
      await closeNats(worker);
      await closeNats(audit);
      rmSync(scriptDir, { recursive: true, force: true });
    }
  });

  it('refuses a route from a server that does not have the route password', async () => {
    const [clientPort, clusterPort] = [await freePort(), await freePort()];
    const target = nodes[0];
    const rogue = natsServer(
      'rogue',
      [
        '-a',
        '127.0.0.1',
        '-p',
        String(clientPort),
        '--cluster_name',
        'crux',
        '--cluster',
        `nats://127.0.0.1:${clusterPort}`,
        '--routes',
        `nats-route://127.0.0.1:${target.clusterPort}`,
      ],
      process.env,
    );
    servers.push(rogue);
    rogue.start();
    await waitFor(() => /Authorization Violation/i.test(rogue.log()), {
      what: `the rogue route to be refused: ${rogue.log()}`,
      timeoutMs: 15_000,
    });
    // The node it tried still routes to its two peers and to nothing else.
    const routez = (await (await fetch(`http://127.0.0.1:${target.monitorPort}/routez`)).json()) as { num_routes: number };
    expect(routez.num_routes).toBe(2);
  });
});
