/**
 * A private NATS JetStream cluster on loopback: N nats-server processes with their own
 * client and route ports, store directories and server names, routed to each other. Each
 * node can be killed (kill -9) and restarted on the same ports and data, like TestServer.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { freePort } from './free-port.js';
import { serverProcess, type ServerProcess } from './server-process.js';
import type { TestServer } from './servers.js';
import { waitFor } from './wait-for.js';

export interface NatsCluster {
  /** Every node's client URL, comma-separated: what NATS_URL should say. */
  url: string;
  nodes: TestServer[];
  /** Waits until JetStream answers through every running node (a meta leader exists). */
  ready(): Promise<void>;
  /** Stops every node and removes their data. */
  stop(): Promise<void>;
}

/** The cluster's name, shared by its nodes. */
export const TEST_CLUSTER_NAME = 'crux-test';

/** nats-server 2.9 configuration of one node (the config-file syntax, so routes and JetStream sit together). */
function nodeConfig(name: string, port: number, clusterPort: number, routePorts: number[], storeDir: string): string {
  return [
    `server_name: ${name}`,
    `listen: 127.0.0.1:${port}`,
    `jetstream { store_dir: "${storeDir}" }`,
    'cluster {',
    `  name: ${TEST_CLUSTER_NAME}`,
    `  listen: 127.0.0.1:${clusterPort}`,
    `  routes: [${routePorts.map((p) => `nats-route://127.0.0.1:${p}`).join(', ')}]`,
    '}',
    '',
  ].join('\n');
}

/** JetStream answers an account info request through the node at `url` (needs a meta leader). */
async function jetStreamAnswers(url: string): Promise<boolean> {
  const nc = await connect({ servers: url, timeout: 1000, reconnect: false });
  try {
    const jsm = await jetstreamManager(nc, { timeout: 1000 });
    await jsm.getAccountInfo();
    return true;
  } finally {
    await nc.close();
  }
}

export async function startNatsCluster(size = 3): Promise<NatsCluster> {
  const ports = await Promise.all(Array.from({ length: size }, () => freePort()));
  const clusterPorts = await Promise.all(Array.from({ length: size }, () => freePort()));
  const bin = process.env.NATS_SERVER_BIN ?? 'nats-server';
  const nodes: ServerProcess[] = ports.map((port, i) => {
    const name = `n${i + 1}`;
    const dir = mkdtempSync(join(tmpdir(), `crux-nats-${name}-`));
    const configFile = join(dir, 'nats.conf');
    writeFileSync(
      configFile,
      nodeConfig(
        name,
        port,
        clusterPorts[i],
        clusterPorts.filter((_, j) => j !== i),
        join(dir, 'js'),
      ),
    );
    return serverProcess({ label: `nats-${name}`, command: bin, args: ['-c', configFile], port, url: `nats://127.0.0.1:${port}`, dir });
  });
  const cluster: NatsCluster = {
    url: nodes.map((n) => n.url).join(','),
    nodes,
    async ready() {
      const running = nodes.filter((n) => n.process.running);
      await waitFor(async () => (await Promise.all(running.map((n) => jetStreamAnswers(n.url)))).every(Boolean), {
        what: `JetStream on the ${TEST_CLUSTER_NAME} cluster to have a meta leader`,
        timeoutMs: 30_000,
        intervalMs: 200,
      });
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
    },
  };
  try {
    await Promise.all(nodes.map((n) => n.start()));
    await cluster.ready();
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}
