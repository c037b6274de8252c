import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, waitFor } from '@crux/test-harness';
import { API_KEYS_ENV, call, Keys, startTestNats, type TestNats } from './support/gateway-fixture.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

interface Run {
  output: () => string;
  exited: Promise<{ code: number | null; signal: string | null }>;
  kill(signal: NodeJS.Signals): void;
  running(): boolean;
}

function run(env: Record<string, string>): Run {
  // NODE_OPTIONS of the Jest run (vm modules) is not for the service.
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    output: () => output,
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
    kill: (signal) => child.kill(signal),
    running: () => child.exitCode === null && child.signalCode === null,
  };
}

describe('the built gateway', () => {
  let nats: TestNats;

  beforeAll(async () => {
    nats = await startTestNats();
  });

  afterAll(async () => {
    await nats?.close();
  });

  it('creates the JOBS stream, says it is ready, serves, and exits cleanly on SIGTERM', async () => {
    await nats.jsm.streams.delete('JOBS').catch(() => undefined);
    const port = await freePort();
    const gateway = run({ NATS_URL: nats.server.url, CRUX_HTTP_HOST: '127.0.0.1', CRUX_HTTP_PORT: String(port), CRUX_API_KEYS: API_KEYS_ENV });
    try {
      await waitFor(() => gateway.output().includes('crux-gateway ready'), { what: `the ready line in: ${gateway.output()}`, timeoutMs: 30_000 });
      expect(gateway.output()).toContain(`crux-gateway ready http://127.0.0.1:${port}`);
      const answer = await call(`http://127.0.0.1:${port}`, '/api/v1/solve/basic', { body: { question: 'from the built app' } });
      expect(answer.status).toBe(202);
      expect(await nats.messageCount()).toBe(1);
      gateway.kill('SIGTERM');
      const { code, signal } = await gateway.exited;
      expect(code === 0 || signal === 'SIGTERM').toBe(true);
      // Never a secret in the log.
      for (const secret of Object.values(Keys)) expect(gateway.output()).not.toContain(secret);
    } finally {
      if (gateway.running()) gateway.kill('SIGKILL');
    }
  });

  it('refuses to start without API keys, saying to set CRUX_API_KEYS', async () => {
    const gateway = run({ NATS_URL: nats.server.url, CRUX_HTTP_PORT: String(await freePort()) });
    try {
      const { code } = await gateway.exited;
      expect(code).toBe(1);
      expect(gateway.output()).toContain('crux-gateway failed to start: no API keys are configured: set CRUX_API_KEYS');
      expect(gateway.output()).not.toContain('crux-gateway ready');
    } finally {
      if (gateway.running()) gateway.kill('SIGKILL');
    }
  });

  it('refuses a malformed CRUX_API_KEYS, naming the problem', async () => {
    const gateway = run({ NATS_URL: nats.server.url, CRUX_API_KEYS: 'alice:admin:s3cret' });
    try {
      const { code } = await gateway.exited;
      expect(code).toBe(1);
      expect(gateway.output()).toContain("CRUX_API_KEYS entry 'alice' has role 'admin'; roles are submitter, operator, auditor");
      expect(gateway.output()).not.toContain('s3cret');
    } finally {
      if (gateway.running()) gateway.kill('SIGKILL');
    }
  });
});
