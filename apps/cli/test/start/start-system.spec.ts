import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, portAnswers, startNats, startRedis, waitFor, type TestServer } from '@crux/test-harness';
// eslint-disable-next-line @nx/enforce-module-boundaries -- scripts/start (npm start) is no Nx project; the cli project owns and tests it
import { startSystem, type System } from '../../../../scripts/start/main.mjs';
// eslint-disable-next-line @nx/enforce-module-boundaries -- scripts/start (npm start) is no Nx project; the cli project owns and tests it
import { StartError } from '../../../../scripts/start/errors.mjs';
import { resolveConfig } from '../../src/config.js';
import { writeFakeServices } from './fake-services.js';

function capture() {
  let text = '';
  return { stream: { write: (chunk: string) => (text += chunk) }, text: () => text };
}

describe('npm start (scripts/start) with stand-in services and real NATS and Redis', () => {
  let root: string;
  let env: Record<string, string>;
  let natsPort: number;
  let redisPort: number;
  let httpPort: number;
  let system: System | undefined;
  const stdout = capture();
  const stderr = capture();

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'crux-start-'));
    [natsPort, redisPort, httpPort] = [await freePort(), await freePort(), await freePort()];
    env = {
      PATH: process.env.PATH ?? '',
      NATS_URL: `nats://127.0.0.1:${natsPort}`,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      CRUX_HTTP_PORT: String(httpPort),
    };
    system = undefined;
  });

  afterEach(async () => {
    await system?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  async function start(overrides: Record<string, string> = {}): Promise<System> {
    system = await startSystem({
      root,
      env: { ...env, ...overrides },
      stdout: stdout.stream,
      stderr: stderr.stream,
      readyTimeoutMs: 30_000,
    });
    return system;
  }

  it('starts NATS and Redis, then each service in order with keys, and stops them all in reverse', async () => {
    writeFakeServices(root, ['job-state', 'worker', 'gateway']);
    const out = stdout.text().length;
    const running = await start();
    const log = stdout.text().slice(out);

    expect(log).toContain(`NATS: started nats-server on 127.0.0.1:${natsPort} (data in ${join(root, '.crux', 'nats')}`);
    expect(log).toContain(`Redis: started redis-server on 127.0.0.1:${redisPort}`);
    const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      expect(await redis.ping()).toBe('PONG');
    } finally {
      redis.disconnect();
    }
    expect(await portAnswers(natsPort)).toBe(true);

    // Output is prefixed with each service's name, and each waited for the one before to be ready.
    const ready = ['job-state', 'worker', 'gateway'].map((name) => log.indexOf(`${name.padEnd(9)} │ crux-${name} ready`));
    const starting = ['worker', 'gateway'].map((name) => log.indexOf(`starting ${name}`));
    expect(ready.every((index) => index >= 0)).toBe(true);
    expect(ready[0]).toBeLessThan(starting[0]);
    expect(ready[1]).toBeLessThan(starting[1]);
    expect(log).toContain(
      `gateway   │ given NATS_URL=${env.NATS_URL} REDIS_URL=${env.REDIS_URL} keys=dev-submitter:submitter,dev-operator:operator,dev-auditor:auditor`,
    );

    // The banner: URL, keys, examples; the keys are the ones the CLI will find.
    expect(log).toContain(`Crux is running at http://127.0.0.1:${httpPort}  (services: job-state, worker, gateway)`);
    expect(log).toContain(`  ops console  http://127.0.0.1:${httpPort}/console  (sign in with an API key below)`);
    const submitter = resolveConfig({}, root).apiKey as string;
    expect(log).toMatch(new RegExp(`dev-submitter +submitter +${submitter}`));
    expect(log).toContain(`CRUX_URL=http://127.0.0.1:${httpPort} npx crux submit "`);
    expect(statSync(join(root, '.crux', 'dev-keys.json')).mode & 0o777).toBe(0o600);

    await running.stop();
    expect(await running.done).toBe(0);
    const stops = ['gateway', 'worker', 'job-state'].map((name) => stdout.text().indexOf(`${name.padEnd(9)} │ stopping on SIGTERM`, out));
    expect(stops.every((index) => index >= 0)).toBe(true);
    expect(stops).toEqual([...stops].sort((a, b) => a - b));
    expect(await portAnswers(natsPort)).toBe(false);
    expect(await portAnswers(redisPort)).toBe(false);
    expect(await portAnswers(httpPort)).toBe(false);

    // The next start reuses the keys.
    const again = await start();
    expect(stdout.text()).toContain(`Development API keys (reused; kept in ${join(root, '.crux', 'dev-keys.json')})`);
    expect(resolveConfig({}, root).apiKey).toBe(submitter);
    await again.stop();
  });

  it('stops everything and ends with 1 when a service dies', async () => {
    writeFakeServices(root, ['job-state', 'worker', 'gateway']);
    const running = await start();
    writeFileSync(join(root, 'crash-worker'), '');
    expect(await running.done).toBe(1);
    expect(stderr.text()).toContain('worker exited unexpectedly (exit code 3); stopping everything');
    expect(await portAnswers(httpPort)).toBe(false);
    expect(await portAnswers(natsPort)).toBe(false);
    expect(await portAnswers(redisPort)).toBe(false);
  });

  it('uses NATS and Redis that already answer, and leaves them running', async () => {
    writeFakeServices(root, ['job-state', 'worker', 'gateway', 'audit']);
    const servers: TestServer[] = [await startNats(), await startRedis()];
    try {
      const out = stdout.text().length;
      const running = await start({ NATS_URL: servers[0].url, REDIS_URL: servers[1].url });
      const log = stdout.text().slice(out);
      expect(log).toContain(`NATS: using the server already at ${servers[0].url}`);
      expect(log).toContain(`${servers[1].url}  (already running)`);
      // The audit service is started when it has been built.
      expect(log).toContain('audit     │ crux-audit ready');
      expect(log.indexOf('crux-audit ready')).toBeLessThan(log.indexOf('starting worker'));
      await running.stop();
      expect(await portAnswers(servers[0].port)).toBe(true);
      expect(await portAnswers(servers[1].port)).toBe(true);
    } finally {
      for (const server of servers) await server.stop();
    }
  });

  it('refuses to start what is not built, or on a port already taken', async () => {
    writeFakeServices(root, ['job-state', 'worker']);
    await expect(start()).rejects.toThrow('not built: apps/gateway/dist/main.js. Run `npm run build` (npm start builds first).');

    writeFakeServices(root, ['gateway']);
    const blocker: Server = createServer().listen(httpPort, '127.0.0.1');
    try {
      await waitFor(() => portAnswers(httpPort), { what: 'the blocking listener' });
      await expect(start()).rejects.toThrow(`port ${httpPort} is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('reports a service that exits before it is ready, with its last lines, and cleans up', async () => {
    writeFakeServices(root, ['job-state', 'worker', 'gateway'], { neverReady: 'worker' });
    const error = await start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartError);
    expect((error as Error).message).toMatch(
      /^worker exited \(exit code 4\) before it was ready; its last lines:\n.*cannot connect to anything/s,
    );
    expect(stdout.text()).toContain('job-state │ stopping on SIGTERM');
    expect(await portAnswers(natsPort)).toBe(false);
    expect(await portAnswers(redisPort)).toBe(false);
  });

  it('explains how to install a server that is missing', async () => {
    writeFakeServices(root, ['job-state', 'worker', 'gateway']);
    await expect(start({ NATS_SERVER_BIN: 'no-such-nats-server' })).rejects.toThrow(
      `NATS: nothing answers at nats://127.0.0.1:${natsPort} and \`no-such-nats-server\` is not installed.\nInstall them with: sudo apt-get install nats-server redis-server`,
    );
  });
});
