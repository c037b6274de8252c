import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
    const gateway = run({
      NATS_URL: nats.server.url,
      CRUX_HTTP_HOST: '127.0.0.1',
      CRUX_HTTP_PORT: String(port),
      CRUX_API_KEYS: API_KEYS_ENV,
    });
    try {
      await waitFor(() => gateway.output().includes('crux-gateway ready'), {
        what: `the ready line in: ${gateway.output()}`,
        timeoutMs: 30_000,
      });
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

  it('runs in production on CRUX_API_KEYS_FILE alone, accepting the secret whose digest it holds, never printing it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crux-keys-'));
    const secret = randomBytes(32).toString('base64url');
    const file = join(dir, 'keys');
    writeFileSync(file, `# production keys\nprod-alice:submitter:${createHash('sha256').update(secret).digest('hex')}\n`);
    const port = await freePort();
    const gateway = run({
      NODE_ENV: 'production',
      NATS_URL: nats.server.url,
      CRUX_HTTP_HOST: '127.0.0.1',
      CRUX_HTTP_PORT: String(port),
      CRUX_API_KEYS_FILE: file,
    });
    try {
      await waitFor(() => gateway.output().includes('crux-gateway ready'), {
        what: `the ready line in: ${gateway.output()}`,
        timeoutMs: 30_000,
      });
      const url = `http://127.0.0.1:${port}`;
      const accepted = await call(url, '/api/v1/solve/basic', {
        authorization: `Bearer ${secret}`,
        body: { question: 'from the key file' },
      });
      expect(accepted.status).toBe(202);
      const refused = await call(url, '/api/v1/solve/basic', { authorization: `Bearer ${secret}x`, body: { question: 'q' } });
      expect(refused.status).toBe(401);
      gateway.kill('SIGTERM');
      await gateway.exited;
      expect(gateway.output()).not.toContain(secret);
    } finally {
      if (gateway.running()) gateway.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start in production with a plain secret shorter than 24 characters, naming the key but not the secret', async () => {
    const gateway = run({
      NODE_ENV: 'production',
      NATS_URL: nats.server.url,
      CRUX_HTTP_PORT: String(await freePort()),
      CRUX_API_KEYS: `ok:operator:${'k'.repeat(32)},weak:submitter:tooshort-secret-123`,
    });
    try {
      const { code } = await gateway.exited;
      expect(code).toBe(1);
      expect(gateway.output()).toContain("NODE_ENV is production and CRUX_API_KEYS gives 'weak' a secret shorter than 24 characters");
      expect(gateway.output()).not.toContain('tooshort-secret-123');
      expect(gateway.output()).not.toContain('k'.repeat(32));
    } finally {
      if (gateway.running()) gateway.kill('SIGKILL');
    }
  });

  it('refuses to start in production without any key', async () => {
    const gateway = run({ NODE_ENV: 'production', NATS_URL: nats.server.url, CRUX_HTTP_PORT: String(await freePort()) });
    try {
      const { code } = await gateway.exited;
      expect(code).toBe(1);
      expect(gateway.output()).toContain('crux-gateway failed to start: no API keys are configured');
    } finally {
      if (gateway.running()) gateway.kill('SIGKILL');
    }
  });
});
