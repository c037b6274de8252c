import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { JobView } from '@crux/contracts';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@crux/test-harness';
import { FakeGateway } from './support/fake-gateway.js';
import { runCrux, runCruxInTerminal, type TerminalRun } from './support/run-crux.js';

const QUESTION = 'Type the number of jobs shown above to purge them (anything else aborts): ';

describe('the built crux purge and audit commands, run as child processes', () => {
  const gateway = new FakeGateway();
  let env: Record<string, string>;
  let dir: string;
  const terminals: TerminalRun[] = [];

  beforeAll(async () => {
    await gateway.start();
    env = { CRUX_URL: gateway.url, CRUX_API_KEY: 'op-key', CRUX_POLL_MS: '20' };
    dir = mkdtempSync(join(tmpdir(), 'crux-cli-bin-purge-'));
  });
  afterEach(() => {
    // A test that failed half-way must not leave a terminal waiting for input.
    for (const terminal of terminals.splice(0)) if (terminal.child.exitCode === null) terminal.child.kill('SIGKILL');
  });
  afterAll(async () => {
    await gateway.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function addJobs(n: number): JobView[] {
    return Array.from({ length: n }, () => {
      const job = gateway.addJob({ created_at: new Date(Date.now() - 30 * 86_400_000).toISOString() });
      job.status = 'completed';
      return job;
    });
  }
  const confirms = () => gateway.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/confirm')).length;
  const terminal = (args: string[]) => {
    const run = runCruxInTerminal(args, { env });
    terminals.push(run);
    return run;
  };

  it('purges with --yes, showing the plan, the progress and the summary, exit 0', async () => {
    const jobs = addJobs(3);
    const file = join(dir, 'ids.txt');
    writeFileSync(file, jobs.map((job) => job.job_id).join('\n'));
    const { code, stdout, stderr } = await runCrux(['purge', '--ids-file', file, '--reason', 'test cleanup', '--yes'], { env }).result;
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('  jobs     3 (among 3 listed ids; jobs on hold are never included)\n');
    expect(stdout).toMatch(/\[#+\] 100% {2}completed {2}3 of 3 · 3 deleted · 0 skipped · 0 failed\n/);
    expect(stdout).toMatch(/purge \S+ completed: 3 deleted, 0 skipped \(on hold or already gone\), 0 failed\n/);
    for (const job of jobs) expect(gateway.jobs.has(job.job_id)).toBe(false);
  });

  it('refuses to purge from a pipe without --yes, exit 8, asking the gateway nothing', async () => {
    const [job] = addJobs(1);
    const before = gateway.requests.length;
    const { code, stdout, stderr } = await runCrux(['purge', '--ids', job.job_id], { env, input: '1\n' }).result;
    expect({ code, stdout }).toEqual({ code: 8, stdout: '' });
    expect(stderr).toBe(
      'crux: refusing to purge without a confirmation: standard input is not a terminal, so no one can type the count (run it in a terminal, or add --yes); nothing was deleted\n',
    );
    expect(gateway.requests.length).toBe(before);
    expect(gateway.jobs.has(job.job_id)).toBe(true);
  });

  it('aborts when the wrong count is typed at the terminal: nothing confirmed, nothing deleted, exit 8', async () => {
    const jobs = addJobs(3);
    const before = confirms();
    const run = terminal(['purge', '--ids', jobs.map((job) => job.job_id).join(',')]);
    await waitFor(() => run.screen().includes(QUESTION), { what: 'the question', timeoutMs: 30_000 });
    expect(run.screen()).toContain('  jobs     3 (among 3 listed ids');
    run.type('2\r');
    const { code, screen } = await run.result;
    expect(code).toBe(8);
    expect(screen).toMatch(/crux: purge aborted \('2' is not 3\): nothing was deleted; plan \S+ expires unused/);
    expect(confirms()).toBe(before);
    for (const job of jobs) expect(gateway.jobs.has(job.job_id)).toBe(true);
  });

  it('proceeds when the right count is typed at the terminal, exit 0', async () => {
    const jobs = addJobs(2);
    const run = terminal(['purge', '--ids', jobs.map((job) => job.job_id).join(',')]);
    await waitFor(() => run.screen().includes(QUESTION), { what: 'the question', timeoutMs: 30_000 });
    run.type('2\r');
    const { code, screen } = await run.result;
    expect(code).toBe(0);
    expect(screen).toMatch(/completed: 2 deleted/);
    for (const job of jobs) expect(gateway.jobs.has(job.job_id)).toBe(false);
  });

  it('stops at the question on Ctrl-C with nothing deleted, exit 130', async () => {
    const [job] = addJobs(1);
    const before = confirms();
    const run = terminal(['purge', '--ids', job.job_id]);
    await waitFor(() => run.screen().includes(QUESTION), { what: 'the question', timeoutMs: 30_000 });
    run.type('\x03');
    const { code, screen } = await run.result;
    expect(code).toBe(130);
    expect(screen).toContain('crux: interrupted: nothing was deleted');
    expect(confirms()).toBe(before);
    expect(gateway.jobs.has(job.job_id)).toBe(true);
  });

  it('exports the trail and verifies the file offline with no gateway at all', async () => {
    for (let i = 0; i < 5; i++) gateway.trail.append('cancel', randomUUID(), { kind: 'user', id: 'dev-submitter' }, `reason ${i}`);
    const file = join(dir, 'trail.jsonl');
    const exported = await runCrux(['audit', 'export', '--out', file], { env }).result;
    expect(exported.code).toBe(0);
    const port = await freePort();
    const offline = await runCrux(['audit', 'verify', '--file', file], { env: { CRUX_URL: `http://127.0.0.1:${port}`, CRUX_API_KEY: 'k' } })
      .result;
    expect(offline.code).toBe(0);
    expect(offline.stdout).toContain(`export ${file} verified: ${gateway.trail.records.length} records from the start of the trail`);
  });

  it('names an unreachable REDIS_URL in one line for verify-purge, exit 3', async () => {
    const port = await freePort();
    const { code, stderr } = await runCrux(['verify-purge', randomUUID()], { env: { ...env, REDIS_URL: `redis://127.0.0.1:${port}` } })
      .result;
    expect(code).toBe(3);
    expect(stderr).toMatch(
      new RegExp(`^crux: cannot reach Redis at redis://127\\.0\\.0\\.1:${port} \\(REDIS_URL\\) — connect ECONNREFUSED`),
    );
  });
});
