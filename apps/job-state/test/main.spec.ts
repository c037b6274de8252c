import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startNats, startRedis, waitFor, type TestServer } from '@crux/test-harness';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

describe('the built service', () => {
  let nats: TestServer;
  let redis: TestServer;

  beforeAll(async () => {
    nats = await startNats();
    redis = await startRedis();
  });

  afterAll(async () => {
    await nats?.stop();
    await redis?.stop();
  });

  it('says it is ready once serving, and exits cleanly on SIGTERM', async () => {
    // NODE_OPTIONS of the Jest run (vm modules) is not for the service.
    const env = { ...process.env, NATS_URL: nats.url, REDIS_URL: redis.url, NODE_OPTIONS: '' };
    const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      await waitFor(() => output.includes('crux-job-state ready'), { what: `the ready line in: ${output}`, timeoutMs: 30_000 });
      child.kill('SIGTERM');
      // Nest closes the app, then re-raises the signal so the exit still says why.
      const { code, signal } = await exited;
      expect(code === 0 || signal === 'SIGTERM').toBe(true);
      expect(output).toContain('stopped: requests answered, projector stopped, NATS drained, Redis closed');
      expect(output.match(/crux-job-state ready/g)).toHaveLength(1);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
