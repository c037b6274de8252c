import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@crux/test-harness';
import { FakeGateway } from './support/fake-gateway.js';
import { RESULT } from './support/jobs.js';
import { runCrux } from './support/run-crux.js';

describe('the built crux command, run as a child process', () => {
  const gateway = new FakeGateway();
  let env: Record<string, string>;
  let dir: string;

  beforeAll(async () => {
    await gateway.start();
    env = { CRUX_URL: gateway.url, CRUX_API_KEY: 'sub-key' };
    dir = mkdtempSync(join(tmpdir(), 'crux-cli-bin-'));
  });
  afterAll(async () => {
    await gateway.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 3 with one line when the gateway is not running', async () => {
    const port = await freePort();
    const { code, stdout, stderr } = await runCrux(['jobs'], { env: { CRUX_URL: `http://127.0.0.1:${port}`, CRUX_API_KEY: 'k' } }).result;
    expect({ code, stdout, stderr }).toEqual({
      code: 3,
      stdout: '',
      stderr: `crux: cannot reach the gateway at http://127.0.0.1:${port} — is it running? (npm start)\n`,
    });
  });

  it('exits 5 with the 404 line for an unknown job', async () => {
    const unknown = randomUUID();
    const { code, stderr } = await runCrux(['status', unknown], { env }).result;
    expect(code).toBe(5);
    expect(stderr).toBe(`crux: 404 Not Found — job ${unknown} not found\n`);
  });

  it('exits 2 on a bad command line', async () => {
    const { code, stderr } = await runCrux(['jobs', '--limit', 'lots'], { env }).result;
    expect(code).toBe(2);
    expect(stderr).toBe("crux jobs: --limit must be a whole number 1 or more, got 'lots' (see crux jobs --help)\n");
  });

  it('submits a question read from stdin and watches it to completion, exit 0', async () => {
    const run = runCrux(['submit', '-', '--watch'], { env, input: 'How many primes are below 100?\n' });
    const job = await waitFor(
      () => {
        const last = [...gateway.jobs.values()].at(-1);
        return last?.request.question === 'How many primes are below 100?' && gateway.streamConnections.get(last.job_id) === 1
          ? last
          : undefined;
      },
      { what: 'the child to submit and connect', timeoutMs: 30_000 },
    );
    gateway.runJob(job.job_id);
    const { code, stdout, stderr } = await run.result;
    expect(code).toBe(0);
    expect(stderr).toBe(`submitted basic job ${job.job_id}\n`);
    expect(stdout).toContain('[##############################] 100%  completed\n');
    expect(stdout.trimEnd().endsWith(RESULT.output)).toBe(true);
  });

  it('exits 1 when the watched job failed', async () => {
    const job = gateway.addJob();
    gateway.runJob(job.job_id, 'failed');
    const { code, stdout } = await runCrux(['watch', job.job_id], { env }).result;
    expect(code).toBe(1);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('failed (provider_error): the provider answered 500 three times');
  });

  it('stops watching on SIGINT with exit 130 and leaves the job alone', async () => {
    const job = gateway.addJob();
    const run = runCrux(['watch', job.job_id], { env });
    await waitFor(() => run.stdout().includes('queued'), { what: 'the first progress line', timeoutMs: 30_000 });
    run.child.kill('SIGINT');
    const { code, stderr } = await run.result;
    expect(code).toBe(130);
    expect(stderr).toBe(`crux: stopped watching job ${job.job_id}; it keeps running (crux watch ${job.job_id} to follow it again)\n`);
    expect(gateway.jobs.get(job.job_id)?.status).toBe('pending');
  });

  it("finds npm start's development keys above the current directory and says so once", async () => {
    mkdirSync(join(dir, '.crux'));
    mkdirSync(join(dir, 'nested', 'deeper'), { recursive: true });
    const file = join(dir, '.crux', 'dev-keys.json');
    writeFileSync(file, JSON.stringify({ keys: [{ name: 'dev-submitter', role: 'submitter', secret: 'sub-key' }] }));
    const { code, stdout, stderr } = await runCrux(['jobs', '--json'], {
      env: { CRUX_URL: gateway.url },
      cwd: join(dir, 'nested', 'deeper'),
    }).result;
    expect(code).toBe(0);
    expect(stderr).toBe(`crux: CRUX_API_KEY is not set; using development key 'dev-submitter' (submitter) from ${file}\n`);
    expect(JSON.parse(stdout)).toEqual({ jobs: expect.any(Array), next_cursor: null });
  });
});
