import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@crux/test-harness';
import { run } from '../src/cli.js';
import { ExitCode } from '../src/exit-codes.js';
import { FakeGateway } from './support/fake-gateway.js';
import { fakeIo } from './support/fake-io.js';
import { RESULT } from './support/jobs.js';
import { screenOf } from './support/terminal.js';

describe('crux commands against a real HTTP server', () => {
  const gateway = new FakeGateway();
  let env: Record<string, string>;

  beforeAll(async () => {
    await gateway.start();
    env = { CRUX_URL: gateway.url, CRUX_API_KEY: 'sub-key' };
  });
  afterAll(() => gateway.close());

  describe('submit', () => {
    it('submits a basic job and says how to follow it', async () => {
      const io = fakeIo({ env });
      expect(await run(['submit', 'What', 'is', 'two', 'plus', 'two?', '--iters', '2'], io)).toBe(ExitCode.Ok);
      const job = [...gateway.jobs.values()].at(-1);
      expect(gateway.requests.at(-1)?.body).toEqual({ question: 'What is two plus two?', n_iters: 2, async_mode: true });
      expect(io.out()).toBe(
        `submitted basic job ${job?.job_id} (pending)\n  follow it:  crux watch ${job?.job_id}\n  see it:     crux status ${job?.job_id}\n`,
      );
      expect(io.err()).toBe('');
    });

    it('reads the question from stdin with -, and prints the answer as JSON with --json', async () => {
      const io = fakeIo({ env, stdin: 'A question\nover two lines\n' });
      expect(await run(['submit', '-', '--enhanced', '--specialists', '2', '--json'], io)).toBe(ExitCode.Ok);
      expect(gateway.requests.at(-1)?.path).toBe('/api/v1/solve/enhanced');
      expect(gateway.requests.at(-1)?.body).toEqual({ question: 'A question\nover two lines', num_specialists: 2, async_mode: true });
      expect(JSON.parse(io.out())).toMatchObject({ status: 'pending', job_id: expect.any(String) });
    });

    it('waits for the result with --sync, exiting 1 when the job failed', async () => {
      const io = fakeIo({ env });
      expect(await run(['submit', 'q', '--sync'], io)).toBe(ExitCode.Ok);
      expect(gateway.requests.at(-1)?.body).toMatchObject({ async_mode: false });
      expect(io.out()).toContain('completed in 12.3s · 2 iterations · converged (evaluator_stop)');
      expect(io.out()).toContain(RESULT.output);

      gateway.syncAnswer = (job) => ({ ...job, status: 'failed', result: null, error: 'no provider' });
      const failed = fakeIo({ env });
      expect(await run(['submit', 'q', '--sync'], failed)).toBe(ExitCode.JobUnsuccessful);
      expect(failed.out()).toMatch(/^job [0-9a-f-]+ failed: no provider\n$/);
      gateway.syncAnswer = undefined;
    });

    it('submits and watches with --watch', async () => {
      const io = fakeIo({ env });
      const exit = run(['submit', 'q', '--watch'], io);
      const job = await waitFor(
        () => {
          const last = [...gateway.jobs.values()].at(-1);
          return last && gateway.streamConnections.get(last.job_id) === 1 ? last : undefined;
        },
        { what: 'the watch to connect' },
      );
      gateway.runJob(job.job_id);
      expect(await exit).toBe(ExitCode.Ok);
      expect(io.err()).toBe(`submitted basic job ${job?.job_id}\n`);
      expect(io.out()).toContain(RESULT.output);
    });

    it("shows the gateway's refusal of a request as one line, exit 6", async () => {
      const io = fakeIo({ env });
      expect(await run(['submit', 'q', '--iters', '999'], io)).toBe(ExitCode.Refused);
      expect(io.err()).toBe('crux: 400 Bad Request — n_iters must not be greater than 50\n');
      expect(io.out()).toBe('');
    });

    it('refuses an empty question from stdin before sending anything, exit 2', async () => {
      const before = gateway.requests.length;
      const io = fakeIo({ env, stdin: '\n' });
      expect(await run(['submit', '-'], io)).toBe(ExitCode.Usage);
      expect(io.err()).toBe('crux submit: the question read from stdin is empty (see crux submit --help)\n');
      expect(gateway.requests.length).toBe(before);
    });
  });

  describe('status and jobs', () => {
    it('shows a job, and a one-line 404 with exit 5 for an unknown one', async () => {
      const job = gateway.addJob({ owner: 'dev-submitter' });
      const io = fakeIo({ env });
      expect(await run(['status', job.job_id], io)).toBe(ExitCode.Ok);
      expect(io.out()).toContain(`job       ${job.job_id}\nstatus    pending\nmode      basic\nowner     dev-submitter`);

      const json = fakeIo({ env });
      expect(await run(['--json', 'status', job.job_id], json)).toBe(ExitCode.Ok);
      expect(JSON.parse(json.out())).toEqual(job);

      const unknown = randomUUID();
      const missing = fakeIo({ env });
      expect(await run(['status', unknown], missing)).toBe(ExitCode.NotFound);
      expect(missing.err()).toBe(`crux: 404 Not Found — job ${unknown} not found\n`);
      expect(missing.out()).toBe('');

      const malformed = fakeIo({ env });
      expect(await run(['status', 'nope'], malformed)).toBe(ExitCode.Refused);
      expect(malformed.err()).toBe('crux: 400 Bad Request — job id must be a UUID\n');
    });

    it('lists one page with a hint for the next, or every page with --all', async () => {
      const operatorEnv = { CRUX_URL: gateway.url, CRUX_API_KEY: 'op-key' };
      for (let i = 0; i < 3; i++) gateway.addJob({ owner: 'alice', status: 'pending' });
      const total = gateway.jobs.size;

      const page = fakeIo({ env: operatorEnv });
      expect(await run(['jobs', '--limit', '2'], page)).toBe(ExitCode.Ok);
      const lines = page.out().trimEnd().split('\n');
      expect(lines[0]).toMatch(/^ID\s+STATUS\s+PROGRESS\s+PHASE\s+CREATED\s+OWNER$/);
      expect(lines).toHaveLength(3);
      expect(page.err()).toMatch(/^more jobs: crux jobs --limit 2 --cursor \S+ {2}\(or --all\)\n$/);

      const all = fakeIo({ env: operatorEnv });
      expect(await run(['jobs', '--limit', '2', '--all', '--json'], all)).toBe(ExitCode.Ok);
      const listed = JSON.parse(all.out()) as { jobs: { job_id: string }[]; next_cursor: null };
      expect(listed.jobs).toHaveLength(total);
      expect(new Set(listed.jobs.map((job) => job.job_id)).size).toBe(total);
      expect(listed.next_cursor).toBeNull();
    });

    it('says so when no job matches', async () => {
      const io = fakeIo({ env });
      expect(await run(['jobs', '--status', 'cancelled'], io)).toBe(ExitCode.Ok);
      expect(io.out()).toBe('no cancelled jobs\n');
    });
  });

  describe('watch', () => {
    it('redraws one line in place on a terminal and ends with the result', async () => {
      const job = gateway.addJob();
      gateway.runJob(job.job_id);
      const io = fakeIo({ env, tty: true, columns: 70 });
      expect(await run(['watch', job.job_id], io)).toBe(ExitCode.Ok);
      expect(io.out()).toContain('\r');
      const screen = screenOf(io.out());
      expect(screen[0]).toBe('[██████████████████████████████] 100%  completed');
      expect(screen.slice(1).join('\n')).toBe(
        `completed in 12.3s · 2 iterations · converged (evaluator_stop) · 1,234 tokens\n\n${RESULT.output}\n`,
      );
    });

    it('prints one line per change when not on a terminal, and exits 1 for a failed job', async () => {
      const job = gateway.addJob();
      gateway.runJob(job.job_id, 'failed');
      const io = fakeIo({ env });
      expect(await run(['watch', job.job_id], io)).toBe(ExitCode.JobUnsuccessful);
      expect(io.out().split('\n')).toEqual([
        '[------------------------------]   0%  pending  queued, waiting for a worker',
        '[------------------------------]   0%  running  started',
        '[#######-----------------------]  25%  running  iteration 1/2: generating',
        '[######################--------]  75%  running  iteration 2/2: evaluating',
        '[######################--------]  75%  failed  iteration 2/2: evaluating',
        'failed (provider_error): the provider answered 500 three times',
        '',
      ]);
    });

    it('exits 1 with who cancelled a cancelled job', async () => {
      const job = gateway.addJob();
      gateway.emit(job.job_id, 'cancel', { reason: null }, { kind: 'user', id: 'dev-operator' });
      const io = fakeIo({ env });
      expect(await run(['watch', job.job_id], io)).toBe(ExitCode.JobUnsuccessful);
      expect(io.out().trimEnd().split('\n').at(-1)).toBe('cancelled by dev-operator');
    });

    it('survives a dropped stream, saying so on stderr, and shows every step once', async () => {
      const job = gateway.addJob();
      gateway.dropAfter.set(job.job_id, [1]);
      const io = fakeIo({ env });
      const exit = run(['watch', job.job_id], io);
      await waitFor(() => gateway.streamConnections.get(job.job_id) === 1, { what: 'the watch to connect' });
      gateway.runJob(job.job_id);
      expect(await exit).toBe(ExitCode.Ok);
      expect(gateway.streamConnections.get(job.job_id)).toBe(2);
      expect(io.err()).toMatch(/^crux: lost the event stream \(.+\); reconnecting in 0\.1s after event \d+\n$/);
      expect(
        io
          .out()
          .split('\n')
          .filter((line) => line.startsWith('[')),
      ).toHaveLength(5);
    });

    it('shows the result of a finished job whose events are no longer kept (204), from the job itself', async () => {
      const job = gateway.addJob();
      gateway.runJob(job.job_id);
      gateway.historyGone.add(job.job_id);
      const io = fakeIo({ env });
      expect(await run(['watch', job.job_id], io)).toBe(ExitCode.Ok);
      expect(io.out()).toBe(
        `[##############################] 100%  completed\ncompleted in 12.3s · 2 iterations · converged (evaluator_stop) · 1,234 tokens\n\n${RESULT.output}\n`,
      );
      expect(gateway.requests.at(-1)?.path).toBe(`/api/v1/jobs/${job.job_id}`);
    });

    it('prints one JSON line per event with --json', async () => {
      const job = gateway.addJob();
      gateway.runJob(job.job_id);
      const io = fakeIo({ env });
      expect(await run(['watch', job.job_id, '--json'], io)).toBe(ExitCode.Ok);
      const lines = io
        .out()
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as { id: string; event: string; data: { job_id: string } });
      expect(lines.map((line) => line.event)).toEqual(['created', 'started', 'progress', 'progress', 'completed']);
      expect(lines.every((line) => line.data.job_id === job.job_id && /^\d+$/.test(line.id))).toBe(true);
    });

    it('stops on Ctrl-C with exit 130, saying the job keeps running', async () => {
      const job = gateway.addJob();
      const io = fakeIo({ env, tty: true });
      const exit = run(['watch', job.job_id], io);
      await waitFor(() => io.out().includes('queued'), { what: 'the first line' });
      io.interrupt();
      expect(await exit).toBe(ExitCode.Interrupted);
      expect(io.err()).toBe(`crux: stopped watching job ${job.job_id}; it keeps running (crux watch ${job.job_id} to follow it again)\n`);
    });
  });

  describe('keys', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'crux-cli-keys-'));
      mkdirSync(join(dir, '.crux'));
      mkdirSync(join(dir, 'sub'));
      writeFileSync(
        join(dir, '.crux', 'dev-keys.json'),
        JSON.stringify({ keys: [{ name: 'dev-submitter', role: 'submitter', secret: 'sub-key' }] }),
      );
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('uses the development key when CRUX_API_KEY is unset, and says so once', async () => {
      const job = gateway.addJob();
      gateway.runJob(job.job_id);
      const io = fakeIo({ env: { CRUX_URL: gateway.url }, cwd: join(dir, 'sub') });
      expect(await run(['watch', job.job_id], io)).toBe(ExitCode.Ok);
      expect(io.err()).toBe(
        `crux: CRUX_API_KEY is not set; using development key 'dev-submitter' (submitter) from ${join(dir, '.crux', 'dev-keys.json')}\n`,
      );
      expect(gateway.requests.at(-1)?.headers.authorization).toBe('Bearer sub-key');
    });

    it('explains a 401 when there is no key at all', async () => {
      const io = fakeIo({ env: { CRUX_URL: gateway.url }, cwd: tmpdir() });
      expect(await run(['jobs'], io)).toBe(ExitCode.NotAuthorised);
      expect(io.err()).toBe(
        'crux: 401 Unauthorized — missing or unknown API key (no API key: set CRUX_API_KEY, or run npm start to create development keys)\n',
      );
    });
  });

  describe('help', () => {
    it('has help for crux and for every command, listing the exit codes', async () => {
      const io = fakeIo();
      expect(await run(['--help'], io)).toBe(ExitCode.Ok);
      const names = [
        'submit',
        'continue',
        'watch',
        'status',
        'jobs',
        'cancel',
        'purge',
        'verify-purge',
        'restore',
        'hold',
        'release',
        'rebuild-state',
        'audit',
        'keys',
        'help',
      ];
      expect(io.out()).toMatch(new RegExp(`Commands:\n${names.map((name) => ` {2}${name} +\\S.*\n`).join('')}`));
      expect(io.out()).toContain('  CRUX_POLL_MS  how often purge progress and audit tail -f poll (default 500)');
      for (const command of names) {
        const viaFlag = fakeIo();
        expect(await run([command, '--help'], viaFlag)).toBe(ExitCode.Ok);
        expect(viaFlag.out()).toMatch(new RegExp(`^Usage: crux ${command}`));
        expect(viaFlag.out()).toContain('  3  cannot reach the gateway');
        expect(viaFlag.out()).toContain('  8  purge not confirmed: nothing was deleted');
        const viaHelp = fakeIo();
        expect(await run(['help', command], viaHelp)).toBe(ExitCode.Ok);
        expect(viaHelp.out()).toBe(viaFlag.out());
      }
    });

    it('refuses an unknown command with exit 2', async () => {
      const io = fakeIo();
      expect(await run(['frobnicate'], io)).toBe(ExitCode.Usage);
      expect(io.err()).toBe(
        "crux: unknown command 'frobnicate'; commands are submit, continue, watch, status, jobs, cancel, purge, verify-purge, restore, hold, release, rebuild-state, audit, keys, help (see crux --help)\n",
      );
    });
  });
});
