import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { JobView } from '@crux/contracts';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, startRedis, waitFor, type TestServer } from '@crux/test-harness';
import { run } from '../src/cli.js';
import { ExitCode } from '../src/exit-codes.js';
import { FakeGateway } from './support/fake-gateway.js';
import { fakeIo } from './support/fake-io.js';
import { screenOf } from './support/terminal.js';

const DAY_MS = 86_400_000;

describe('cancel, purge, restore, hold, release and verify-purge against a real HTTP server', () => {
  const gateway = new FakeGateway();
  let submitter: Record<string, string>;
  let operator: Record<string, string>;
  let dir: string;

  beforeAll(async () => {
    await gateway.start();
    submitter = { CRUX_URL: gateway.url, CRUX_API_KEY: 'sub-key', CRUX_POLL_MS: '20' };
    operator = { CRUX_URL: gateway.url, CRUX_API_KEY: 'op-key', CRUX_POLL_MS: '20' };
    dir = mkdtempSync(join(tmpdir(), 'crux-cli-admin-'));
  });
  afterAll(async () => {
    await gateway.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Jobs of one kind, created `ageDays` ago, tagged by a unique owner so each test purges only its own. */
  function addJobs(n: number, overrides: Partial<JobView> & { ageDays?: number } = {}): JobView[] {
    const { ageDays = 10, status = 'failed', ...rest } = overrides;
    return Array.from({ length: n }, () => {
      const job = gateway.addJob({ created_at: new Date(Date.now() - ageDays * DAY_MS).toISOString(), ...rest });
      // addJob records the job as just created (pending); put it where the test needs it.
      job.status = status;
      return job;
    });
  }

  /** Purges selected by id list, so tests sharing the gateway never touch each other's jobs. */
  function idsFile(jobs: readonly JobView[]): string {
    const file = join(dir, `${randomUUID()}.txt`);
    writeFileSync(file, `# jobs to purge\n${jobs.map((job) => job.job_id).join('\n')}\n`);
    return file;
  }

  const requestsTo = (method: string, pattern: RegExp) => gateway.requests.filter((r) => r.method === method && pattern.test(r.path));

  describe('cancel', () => {
    it('cancels your running job with a reason, recorded in the trail', async () => {
      const [job] = addJobs(1, { owner: 'dev-submitter', status: 'running' });
      const io = fakeIo({ env: submitter });
      expect(await run(['cancel', job.job_id, '--reason', 'wrong question'], io)).toBe(ExitCode.Ok);
      expect(io.out()).toBe(`cancelled job ${job.job_id} (reason: wrong question); the worker running it, if any, is stopping it\n`);
      expect(gateway.requests.at(-1)).toMatchObject({
        method: 'DELETE',
        path: `/api/v1/jobs/${job.job_id}`,
        body: { reason: 'wrong question' },
      });
      expect(gateway.jobs.get(job.job_id)?.status).toBe('cancelled');
      expect(gateway.trail.records.at(-1)).toMatchObject({
        action: 'cancel',
        job_id: job.job_id,
        actor: { id: 'dev-submitter' },
        reason: 'wrong question',
      });
    });

    it('prints the cancelled job with --json', async () => {
      const [job] = addJobs(1, { owner: 'dev-submitter', status: 'pending' });
      const io = fakeIo({ env: submitter });
      expect(await run(['cancel', job.job_id, '--json'], io)).toBe(ExitCode.Ok);
      expect(JSON.parse(io.out())).toMatchObject({ job_id: job.job_id, status: 'cancelled' });
    });

    it("refuses an ended job (6), another owner's job (5) and a deleted one (5), in one line", async () => {
      const [done] = addJobs(1, { owner: 'dev-submitter', status: 'completed' });
      const ended = fakeIo({ env: submitter });
      expect(await run(['cancel', done.job_id], ended)).toBe(ExitCode.Refused);
      expect(ended.err()).toBe(`crux: 409 Conflict — job ${done.job_id} is already completed\n`);

      const [theirs] = addJobs(1, { owner: 'alice', status: 'running' });
      const notYours = fakeIo({ env: submitter });
      expect(await run(['cancel', theirs.job_id], notYours)).toBe(ExitCode.NotFound);
      expect(gateway.jobs.get(theirs.job_id)?.status).toBe('running');

      const [gone] = addJobs(1, { owner: 'dev-submitter', status: 'running' });
      gateway.deleteJob(gone.job_id);
      const deleted = fakeIo({ env: submitter });
      expect(await run(['cancel', gone.job_id], deleted)).toBe(ExitCode.NotFound);
      expect(deleted.err()).toMatch(new RegExp(`^crux: 410 Gone — job ${gone.job_id} was deleted at .+ \\(purge\\)\\n$`));
    });

    it('lets an operator cancel any job', async () => {
      const [theirs] = addJobs(1, { owner: 'alice', status: 'running' });
      expect(await run(['cancel', theirs.job_id], fakeIo({ env: operator }))).toBe(ExitCode.Ok);
      expect(gateway.jobs.get(theirs.job_id)?.status).toBe('cancelled');
    });
  });

  describe('purge', () => {
    it('shows the plan, proceeds when the count is typed, and follows the progress to a summary', async () => {
      const jobs = addJobs(5);
      const io = fakeIo({ env: operator, answers: ['5'] });
      expect(await run(['purge', '--ids-file', idsFile(jobs), '--status', 'failed', '--older-than', '7d', '--reason', 'cleanup'], io)).toBe(
        ExitCode.Ok,
      );

      const plan = [...gateway.plans.values()].at(-1);
      const out = io.out();
      expect(out).toContain(`Purge plan ${plan?.progress.plan_id}\n`);
      expect(out).toContain('  jobs     5 (status failed · older than 7d · among 5 listed ids; jobs on hold are never included)\n');
      expect(out).toContain('  reason   cleanup\n');
      for (const job of jobs) expect(out).toContain(job.job_id);
      expect(out).toMatch(/ {2}expires {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(in \d+m \d\ds\): confirm before then\n/);
      expect(io.asked()).toEqual(['Type the number of jobs shown above to purge them (anything else aborts): ']);

      // The plan was asked for exactly as typed, confirmed with its token, then read until complete.
      expect(requestsTo('POST', /^\/api\/v1\/admin\/purges$/).at(-1)?.body).toEqual({
        job_ids: jobs.map((job) => job.job_id),
        status: ['failed'],
        older_than: 604_800,
        reason: 'cleanup',
      });
      expect(requestsTo('POST', /\/confirm$/).at(-1)?.body).toEqual({ confirm_token: plan?.token });
      const bars = out.split('\n').filter((line) => line.startsWith('['));
      expect(bars).toEqual([
        '[--------------------]   0%  running  0 of 5 · 0 deleted · 0 skipped · 0 failed',
        '[########------------]  40%  running  2 of 5 · 2 deleted · 0 skipped · 0 failed',
        '[################----]  80%  running  4 of 5 · 4 deleted · 0 skipped · 0 failed',
        '[##################] 100%  completed  5 of 5 · 5 deleted · 0 skipped · 0 failed',
      ]);
      expect(out).toContain(`purge ${plan?.progress.plan_id} completed: 5 deleted, 0 skipped (on hold or already gone), 0 failed\n`);
      for (const job of jobs) expect(gateway.jobs.has(job.job_id)).toBe(false);
      expect(io.err()).toBe('');
    });

    it('redraws the bar in place on a terminal', async () => {
      const jobs = addJobs(3);
      const io = fakeIo({ env: operator, answers: ['3'], tty: true, columns: 90 });
      expect(await run(['purge', '--ids-file', idsFile(jobs)], io)).toBe(ExitCode.Ok);
      const screen = screenOf(io.out());
      const bar = screen.findIndex((line) => line.startsWith('['));
      expect(screen[bar]).toMatch(/^\[█{10,30}\] 100% {2}completed {2}3 of 3 · 3 deleted · 0 skipped · 0 failed$/);
      expect(io.out()).toContain('\r');
      expect(screen[bar + 1]).toMatch(/^purge \S+ completed: 3 deleted/);
    });

    it('aborts on a wrong count with nothing confirmed and nothing deleted, exit 8', async () => {
      const jobs = addJobs(4);
      const confirmsBefore = requestsTo('POST', /\/confirm$/).length;
      const io = fakeIo({ env: operator, answers: ['3'] });
      expect(await run(['purge', '--ids-file', idsFile(jobs)], io)).toBe(ExitCode.NotConfirmed);
      const plan = [...gateway.plans.values()].at(-1);
      expect(io.err()).toBe(`crux: purge aborted ('3' is not 4): nothing was deleted; plan ${plan?.progress.plan_id} expires unused\n`);
      expect(requestsTo('POST', /\/confirm$/)).toHaveLength(confirmsBefore);
      expect(plan?.progress.status).toBe('planned');
      for (const job of jobs) expect(gateway.jobs.has(job.job_id)).toBe(true);
    });

    it('aborts on an empty answer (Ctrl-D) too', async () => {
      const jobs = addJobs(1);
      const io = fakeIo({ env: operator, answers: [''] });
      expect(await run(['purge', '--ids-file', idsFile(jobs)], io)).toBe(ExitCode.NotConfirmed);
      expect(io.err()).toMatch(/^crux: purge aborted \(nothing was typed\): nothing was deleted/);
      expect(gateway.jobs.has(jobs[0].job_id)).toBe(true);
    });

    it('refuses without a terminal and without --yes, before asking the gateway for anything', async () => {
      const jobs = addJobs(1);
      const before = gateway.requests.length;
      const io = fakeIo({ env: operator });
      expect(await run(['purge', '--ids-file', idsFile(jobs)], io)).toBe(ExitCode.NotConfirmed);
      expect(io.err()).toBe(
        'crux: refusing to purge without a confirmation: standard input is not a terminal, so no one can type the count (run it in a terminal, or add --yes); nothing was deleted\n',
      );
      expect(gateway.requests.length).toBe(before);
    });

    it('with --yes asks nothing and purges', async () => {
      const jobs = addJobs(2);
      const io = fakeIo({ env: operator, answers: [] });
      expect(await run(['purge', '--ids', jobs.map((job) => job.job_id).join(','), '--yes'], io)).toBe(ExitCode.Ok);
      expect(io.asked()).toEqual([]);
      for (const job of jobs) expect(gateway.jobs.has(job.job_id)).toBe(false);
    });

    it('says there is nothing to purge when nothing matches, and confirms nothing', async () => {
      const [young] = addJobs(1, { ageDays: 1 });
      const confirmsBefore = requestsTo('POST', /\/confirm$/).length;
      const io = fakeIo({ env: operator, answers: ['0'] });
      expect(await run(['purge', '--ids', young.job_id, '--older-than', '7d'], io)).toBe(ExitCode.Ok);
      expect(io.out()).toBe(`nothing to purge: no job matches (older than 7d · among 1 listed id)\n`);
      expect(io.asked()).toEqual([]);
      expect(requestsTo('POST', /\/confirm$/)).toHaveLength(confirmsBefore);
    });

    it('skips jobs held after planning, reports failures, and exits 10 when some could not be deleted', async () => {
      const jobs = addJobs(4);
      gateway.failDeletion.add(jobs[3].job_id);
      const io = fakeIo({
        env: operator,
        // The hold lands between planning and confirming: the plan froze the job, the run skips it.
        answers: ['4'],
      });
      const original = io.ask;
      io.ask = async (question) => {
        gateway.jobs.get(jobs[0].job_id)!.held = true;
        return original!(question);
      };
      expect(await run(['purge', '--ids-file', idsFile(jobs)], io)).toBe(ExitCode.PurgeIncomplete);
      expect(io.out()).toContain('completed: 2 deleted, 1 skipped (on hold or already gone), 1 failed\n');
      expect(io.out()).toContain('1 job could not be deleted and is still there: run the same purge again to retry\n');
      expect(gateway.jobs.has(jobs[0].job_id)).toBe(true);
      expect(gateway.jobs.has(jobs[3].job_id)).toBe(true);
    });

    it('erases with --erase, and says so before asking', async () => {
      const jobs = addJobs(1);
      const io = fakeIo({ env: operator, answers: ['1'] });
      expect(await run(['purge', '--ids', jobs[0].job_id, '--erase'], io)).toBe(ExitCode.Ok);
      expect(io.out()).toContain('ERASE: each job is deleted and its content removed from the event log; it CANNOT be restored');
      expect(requestsTo('POST', /^\/api\/v1\/admin\/purges$/).at(-1)?.body).toEqual({ job_ids: [jobs[0].job_id], erase: true });
      expect(gateway.deleted.get(jobs[0].job_id)?.reason).toBe('erase');
    });

    it('prints one JSON document with --json, without the confirm token', async () => {
      const jobs = addJobs(3);
      const io = fakeIo({ env: operator });
      expect(await run(['purge', '--ids-file', idsFile(jobs), '--yes', '--json'], io)).toBe(ExitCode.Ok);
      const answer = JSON.parse(io.out()) as { plan: Record<string, unknown>; confirmed: boolean; progress: Record<string, unknown> };
      expect(answer.confirmed).toBe(true);
      expect(answer.plan).toMatchObject({ count: 3, erase: false });
      expect(answer.plan).not.toHaveProperty('confirm_token');
      expect(answer.progress).toMatchObject({ status: 'completed', deleted: 3, skipped: 0, failed: 0, confirmed_by: 'dev-operator' });
    });

    it('says the plan expired, with nothing deleted, when it was confirmed too late', async () => {
      const jobs = addJobs(1);
      gateway.planTtlMs = -1000;
      try {
        const io = fakeIo({ env: operator, answers: ['1'] });
        expect(await run(['purge', '--ids', jobs[0].job_id], io)).toBe(ExitCode.NotConfirmed);
        expect(io.out()).toContain('(already expired)');
        expect(io.err()).toMatch(/^crux: plan \S+ expired before it was confirmed: nothing was deleted; run the purge again\n$/);
        expect(gateway.jobs.has(jobs[0].job_id)).toBe(true);
      } finally {
        gateway.planTtlMs = 10 * 60 * 1000;
      }
    });

    it('rides out a gateway that fails a few progress reads, saying so', async () => {
      const jobs = addJobs(2);
      gateway.purgeBatch = 0;
      try {
        const io = fakeIo({ env: operator });
        const exit = run(['purge', '--ids-file', idsFile(jobs), '--yes'], io);
        const polled = () => requestsTo('GET', /^\/api\/v1\/admin\/purges\/[^/]+$/).length;
        const before = polled();
        await waitFor(() => polled() > before, { what: 'the first progress read' });
        gateway.unavailable = 2;
        await waitFor(() => gateway.unavailable === 0, { what: 'the failed reads' });
        gateway.purgeBatch = 2;
        expect(await exit).toBe(ExitCode.Ok);
        expect(io.err()).toBe(
          "crux: could not read the purge's progress (503 Service Unavailable — the gateway is restarting); retrying\n".repeat(2),
        );
        expect(io.out()).toContain('completed: 2 deleted');
      } finally {
        gateway.purgeBatch = 2;
      }
    });

    it('stops following on Ctrl-C, saying the purge keeps running, exit 130', async () => {
      const jobs = addJobs(2);
      gateway.purgeBatch = 0;
      try {
        const io = fakeIo({ env: operator });
        const exit = run(['purge', '--ids-file', idsFile(jobs), '--yes'], io);
        await waitFor(() => io.out().includes('running'), { what: 'the progress bar' });
        io.interrupt();
        expect(await exit).toBe(ExitCode.Interrupted);
        const plan = [...gateway.plans.values()].at(-1);
        expect(io.err()).toBe(`crux: stopped following purge ${plan?.progress.plan_id}; it keeps running on the server\n`);
        expect(plan?.progress.status).toBe('running');
      } finally {
        gateway.purgeBatch = 2;
      }
    });

    it('is for operators: a submitter key gets a one-line 403', async () => {
      const io = fakeIo({ env: submitter, answers: ['1'] });
      expect(await run(['purge', '--status', 'failed'], io)).toBe(ExitCode.NotAuthorised);
      expect(io.err()).toBe('crux: 403 Forbidden — operators only\n');
    });
  });

  describe('hold, release and restore', () => {
    it('holds a job so no purge plan includes it, then releases it', async () => {
      const [job, other] = addJobs(2);
      const held = fakeIo({ env: operator });
      expect(await run(['hold', job.job_id, '--reason', 'litigation 7'], held)).toBe(ExitCode.Ok);
      expect(held.out()).toBe(
        `job ${job.job_id} is on hold (reason: litigation 7): it will not expire and no purge includes it (crux release ${job.job_id} to lift it)\n`,
      );
      expect(gateway.requests.at(-1)).toMatchObject({ method: 'PUT', path: `/api/v1/admin/jobs/${job.job_id}/hold` });

      const purge = fakeIo({ env: operator, answers: ['1'] });
      expect(await run(['purge', '--ids', `${job.job_id},${other.job_id}`], purge)).toBe(ExitCode.Ok);
      expect(gateway.jobs.has(job.job_id)).toBe(true);
      expect(gateway.jobs.has(other.job_id)).toBe(false);

      const released = fakeIo({ env: operator });
      expect(await run(['release', job.job_id, '--json'], released)).toBe(ExitCode.Ok);
      expect(JSON.parse(released.out())).toMatchObject({ job_id: job.job_id, held: false });
      expect(gateway.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/api/v1/admin/jobs/${job.job_id}/hold` });
      expect(gateway.trail.records.slice(-1)[0]).toMatchObject({ action: 'released', job_id: job.job_id });

      const text = fakeIo({ env: operator });
      expect(await run(['release', job.job_id], text)).toBe(ExitCode.Ok);
      expect(text.out()).toBe(`released job ${job.job_id} from hold; it expires in 1d 00h\n`);
    });

    it('restores a deleted job, and refuses a live (6) or erased (5) one', async () => {
      const [job, erased] = addJobs(2);
      gateway.deleteJob(job.job_id);
      gateway.deleteJob(erased.job_id, { erase: true });
      const io = fakeIo({ env: operator });
      expect(await run(['restore', job.job_id, '--reason', 'deleted by mistake'], io)).toBe(ExitCode.Ok);
      expect(io.out()).toBe(`restored job ${job.job_id} (failed) (reason: deleted by mistake)\n`);
      expect(gateway.jobs.has(job.job_id)).toBe(true);
      expect(gateway.requests.at(-1)).toMatchObject({
        method: 'POST',
        path: `/api/v1/admin/jobs/${job.job_id}/restore`,
        body: { reason: 'deleted by mistake' },
      });

      const live = fakeIo({ env: operator });
      expect(await run(['restore', job.job_id], live)).toBe(ExitCode.Refused);
      expect(live.err()).toBe(`crux: 409 Conflict — job ${job.job_id} is live: there is nothing to restore\n`);

      const gone = fakeIo({ env: operator });
      expect(await run(['restore', erased.job_id], gone)).toBe(ExitCode.NotFound);
      expect(gone.err()).toBe(`crux: 410 Gone — job ${erased.job_id} was erased: it cannot be restored\n`);
    });
  });

  describe('verify-purge', () => {
    it('passes purged jobs and fails a live one and one gone without a trace, exit 9', async () => {
      const jobs = addJobs(3);
      expect(
        await run(['purge', '--ids', `${jobs[0].job_id},${jobs[1].job_id}`, '--yes', '--reason', 'cleanup'], fakeIo({ env: operator })),
      ).toBe(ExitCode.Ok);
      const good = fakeIo({ env: operator });
      expect(await run(['verify-purge', jobs[0].job_id, jobs[1].job_id], good)).toBe(ExitCode.Ok);
      expect(good.out()).toMatch(new RegExp(`^ok {6}${jobs[0].job_id} {2}deleted \\S+ \\S+ UTC by dev-operator \\(purge\\)\\n`));
      expect(good.out().trimEnd().split('\n').at(-1)).toBe(
        'all 2 jobs verified purged (checked the API and the audit trail; set REDIS_URL to check Redis directly too)',
      );

      // Gone from the API, but nothing in the trail: the silent disappearance the trail exists to catch.
      const silent = randomUUID();
      const bad = fakeIo({ env: operator });
      expect(await run(['verify-purge', jobs[0].job_id, jobs[2].job_id, silent], bad)).toBe(ExitCode.CheckFailed);
      const lines = bad.out().trimEnd().split('\n');
      expect(lines[1]).toBe(
        `FAILED  ${jobs[2].job_id}  the API still serves it (status failed); the audit trail has no 'deleted' record for it`,
      );
      expect(lines[2]).toBe(`FAILED  ${silent}  the audit trail has no 'deleted' record for it`);
      expect(lines[3]).toBe(
        '2 of 3 jobs NOT verified purged (checked the API and the audit trail; set REDIS_URL to check Redis directly too)',
      );
    });

    it('finds the deletion record however the trail pages, from --ids-file, with --json', async () => {
      const jobs = addJobs(2);
      for (const job of jobs) gateway.deleteJob(job.job_id);
      for (let i = 0; i < 30; i++) gateway.trail.append('held', randomUUID(), { kind: 'user', id: 'noise' }, null);
      gateway.trail.scanBudget = 3;
      try {
        const io = fakeIo({ env: operator });
        expect(await run(['verify-purge', '--ids-file', idsFile(jobs), '--json'], io)).toBe(ExitCode.Ok);
        const answer = JSON.parse(io.out()) as { ok: boolean; checked_redis: boolean; jobs: { job_id: string; ok: boolean }[] };
        expect(answer).toMatchObject({ ok: true, checked_redis: false });
        expect(answer.jobs.map((job) => [job.job_id, job.ok])).toEqual(jobs.map((job) => [job.job_id, true]));
      } finally {
        gateway.trail.scanBudget = Infinity;
      }
    });

    describe('with REDIS_URL', () => {
      let redis: TestServer;
      let client: Redis;
      beforeAll(async () => {
        redis = await startRedis();
        client = new Redis(redis.url);
      });
      afterAll(async () => {
        await client.quit();
        await redis.stop();
      });

      it('also reads the live key straight from Redis', async () => {
        const jobs = addJobs(2);
        for (const job of jobs) gateway.deleteJob(job.job_id);
        // The API says gone, but a key was left behind (or re-created by something else).
        await client.hset(`job:${jobs[1].job_id}`, 'status', 'completed');
        const io = fakeIo({ env: { ...operator, REDIS_URL: redis.url } });
        expect(await run(['verify-purge', jobs[0].job_id, jobs[1].job_id], io)).toBe(ExitCode.CheckFailed);
        const lines = io.out().trimEnd().split('\n');
        expect(lines[0]).toMatch(/^ok {6}/);
        expect(lines[1]).toBe(`FAILED  ${jobs[1].job_id}  Redis still holds job:${jobs[1].job_id}`);
        expect(lines[2]).toBe(`1 of 2 jobs NOT verified purged (checked the API, Redis at ${redis.url} and the audit trail)`);

        await client.del(`job:${jobs[1].job_id}`);
        expect(await run(['verify-purge', jobs[0].job_id, jobs[1].job_id], fakeIo({ env: { ...operator, REDIS_URL: redis.url } }))).toBe(
          ExitCode.Ok,
        );
      });

      it('says so in one line when Redis cannot be reached, exit 3', async () => {
        const port = await freePort();
        const io = fakeIo({ env: { ...operator, REDIS_URL: `redis://user:secret@127.0.0.1:${port}` } });
        expect(await run(['verify-purge', randomUUID()], io)).toBe(ExitCode.Unreachable);
        expect(io.err()).toMatch(
          new RegExp(`^crux: cannot reach Redis at redis://127\\.0\\.0\\.1:${port} \\(REDIS_URL\\) — .*ECONNREFUSED.*\\n$`),
        );
        expect(io.err()).not.toContain('secret');
      });
    });
  });

  describe('development keys', () => {
    let keysDir: string;
    beforeEach(() => {
      keysDir = mkdtempSync(join(tmpdir(), 'crux-cli-roles-'));
      mkdirSync(join(keysDir, '.crux'));
      writeFileSync(
        join(keysDir, '.crux', 'dev-keys.json'),
        JSON.stringify({
          keys: [
            { name: 'dev-submitter', role: 'submitter', secret: 'sub-key' },
            { name: 'dev-operator', role: 'operator', secret: 'op-key' },
            { name: 'dev-auditor', role: 'auditor', secret: 'aud-key' },
          ],
        }),
      );
    });
    afterAll(() => rmSync(keysDir, { recursive: true, force: true }));

    it('uses the key of the role each command needs', async () => {
      const env = { CRUX_URL: gateway.url, CRUX_POLL_MS: '20' };
      const keyOfLastRequest = () => gateway.requests.at(-1)?.headers.authorization;

      const [mine] = addJobs(1, { owner: 'dev-submitter', status: 'running' });
      const cancel = fakeIo({ env, cwd: keysDir });
      expect(await run(['cancel', mine.job_id], cancel)).toBe(ExitCode.Ok);
      expect(keyOfLastRequest()).toBe('Bearer sub-key');
      expect(cancel.err()).toContain("using development key 'dev-submitter' (submitter)");

      for (const argv of [
        ['hold', mine.job_id],
        ['release', mine.job_id],
        ['purge', '--ids', mine.job_id, '--yes'],
        ['verify-purge', mine.job_id],
      ]) {
        const io = fakeIo({ env, cwd: keysDir });
        await run(argv, io);
        expect([argv[0], keyOfLastRequest()]).toEqual([argv[0], 'Bearer op-key']);
        expect(io.err()).toContain("using development key 'dev-operator' (operator)");
      }
      expect(await run(['restore', mine.job_id], fakeIo({ env, cwd: keysDir }))).toBe(ExitCode.Ok);
      expect(keyOfLastRequest()).toBe('Bearer op-key');

      const audit = fakeIo({ env, cwd: keysDir });
      expect(await run(['audit', 'show', mine.job_id], audit)).toBe(ExitCode.Ok);
      expect(keyOfLastRequest()).toBe('Bearer aud-key');
      expect(audit.err()).toContain("using development key 'dev-auditor' (auditor)");
    });
  });
});
