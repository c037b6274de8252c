/**
 * The shipped deploy/nats cluster configs, run for real on loopback: each node gets a copy of
 * nats-server.conf and its nats-<n>.conf with free ports and a temporary store, and the
 * environment a deployment gives it (passwords, CRUX_NATS_ROUTES).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, ManagedProcess } from '@crux/test-harness';
import { deployPath, NATS_NODES, readText } from './deploy-files.js';
import { PASSWORD_VARS } from './env-names.js';

export interface LoopbackNode {
  n: number;
  clientPort: number;
  clusterPort: number;
  monitorPort: number;
  config: string;
}

/** Replaces `from` in `text`, failing loudly when a shipped file no longer has it. */
function replaceOnce(text: string, from: string | RegExp, to: string, file: string): string {
  const replaced = text.replace(from, to);
  if (replaced === text) throw new Error(`${file} no longer has ${String(from)}: update the deploy tests`);
  return replaced;
}

/** Writes each node's adapted configuration under `dir` and returns where the nodes will listen. */
export async function writeLoopbackConfigs(dir: string): Promise<LoopbackNode[]> {
  const nodes: LoopbackNode[] = [];
  for (const n of NATS_NODES) {
    const [clientPort, clusterPort, monitorPort] = [await freePort(), await freePort(), await freePort()];
    const nodeDir = join(dir, `node-${n}`);
    mkdirSync(nodeDir, { recursive: true });
    let base = readText(deployPath('nats', 'nats-server.conf'));
    base = replaceOnce(base, /^port: 4222$/m, `host: 127.0.0.1\nport: ${clientPort}`, 'nats-server.conf');
    base = replaceOnce(base, 'store_dir: "/var/lib/nats"', `store_dir: "${join(nodeDir, 'js')}"`, 'nats-server.conf');
    writeFileSync(join(nodeDir, 'nats-server.conf'), base);
    let own = readText(deployPath('nats', `nats-${n}.conf`));
    own = replaceOnce(own, 'listen: 0.0.0.0:6222', `listen: 127.0.0.1:${clusterPort}`, `nats-${n}.conf`);
    own = replaceOnce(own, 'http_port: 8222', `http: 127.0.0.1:${monitorPort}`, `nats-${n}.conf`);
    const config = join(nodeDir, `nats-${n}.conf`);
    writeFileSync(config, own);
    nodes.push({ n, clientPort, clusterPort, monitorPort, config });
  }
  return nodes;
}

/** The environment a deployment gives every node: the users' passwords and the routes to all three. */
export function nodeEnvironment(nodes: LoopbackNode[], passwords: Record<string, string>): NodeJS.ProcessEnv {
  const routePassword = passwords.CRUX_NATS_ROUTE_PASSWORD;
  const routes = nodes.map((node) => `nats-route://crux-route:${routePassword}@127.0.0.1:${node.clusterPort}`);
  return { ...process.env, ...passwords, CRUX_NATS_ROUTES: `[${routes.join(', ')}]` };
}

export function testPasswords(): Record<string, string> {
  return Object.fromEntries(PASSWORD_VARS.map((name) => [name, `p${Math.random().toString(36).slice(2)}${name.length}`]));
}

export function natsServer(label: string, args: string[], env: NodeJS.ProcessEnv): ManagedProcess {
  return new ManagedProcess(label, process.env.NATS_SERVER_BIN ?? 'nats-server', args, env);
}
