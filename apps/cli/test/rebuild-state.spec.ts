import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { waitFor } from '@crux/test-harness';
import { run } from '../src/cli.js';
import { ExitCode } from '../src/exit-codes.js';
import { REBUILD_QUESTION } from '../src/rebuild/confirmation.js';
import { REBUILD_EXPLANATION } from '../src/rebuild/explain.js';
import { FakeGateway } from './support/fake-gateway.js';
import { fakeIo } from './support/fake-io.js';
import { screenOf } from './support/terminal.js';

describe('crux rebuild-state against a real HTTP server', () => {
  const gateway = new FakeGateway();
  let operator: Record<string, string>;

  beforeAll(async () => {
    await gateway.start();
    operator = { CRUX_URL: gateway.url, CRUX_API_KEY: 'op-key', CRUX_POLL_MS: '20' };
  });
  afterAll(async () => {
    await gateway.close();
  });
  beforeEach(() => {
    gateway.rebuild = null;
    gateway.rebuildOutcome = { restored: 7, deleted: 2 };
    gateway.requests.length = 0;
  });

  const starts = () => gateway.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/admin/rebuild-state');
  const bars = (out: string) => out.split('\n').filter((line) => line.startsWith('['));

  it('explains what it does, asks y/N, then starts it and follows it to a summary', async () => {
    const io = fakeIo({ env: operator, answers: ['y'] });
    expect(await run(['rebuild-state', '--reason', 'redis restarted'], io)).toBe(ExitCode.Ok);

    const out = io.out();
    expect(
      out.startsWith(
        `${REBUILD_EXPLANATION}\n  reason: redis restarted\n  last: no rebuild is recorded since Redis last lost its state\n\n`,
      ),
    ).toBe(true);
    expect(io.asked()).toEqual([REBUILD_QUESTION]);
    expect(starts().map((r) => r.body)).toEqual([{ reason: 'redis restarted' }]);
    expect(gateway.rebuild).toMatchObject({ status: 'completed', actor: 'dev-operator', reason: 'redis restarted' });
    expect(bars(out)).toEqual([
      '[------------------------------]   0%  running  reading the JOBS stream',
      '[------------------------------]   0%  running    0 of 100 events',
      '[############------------------]  40%  running   40 of 100 events',
      '[########################------]  80%  running   80 of 100 events',
      '[##############] 100%  completed  100 of 100 events · 7 restored · 2 tombstones',
    ]);
    expect(out).toContain(
      `rebuild ${gateway.rebuild?.rebuild_id} completed in 2.5s: 100 events read, 7 jobs restored, 2 tombstones kept (deleted jobs stay deleted)\n` +
        'restored jobs count their TTLs from their own times: any whose TTL ran out meanwhile is expired by job-state now and recorded with reason ttl\n',
    );
    expect(io.err()).toBe('');
  });

  it('starts nothing when the answer is not yes: exit 8', async () => {
    const io = fakeIo({ env: operator, answers: ['n'] });
    expect(await run(['rebuild-state'], io)).toBe(ExitCode.NotConfirmed);
    expect(io.err()).toBe("crux: rebuild not started ('n' is not yes): nothing was changed\n");
    expect(starts()).toHaveLength(0);
    expect(gateway.rebuild).toBeNull();

    const empty = fakeIo({ env: operator, answers: [''] });
    expect(await run(['rebuild-state'], empty)).toBe(ExitCode.NotConfirmed);
    expect(empty.err()).toBe('crux: rebuild not started (no answer): nothing was changed\n');
    expect(starts()).toHaveLength(0);
  });

  it('refuses with no terminal to answer in and no --yes: exit 8, asking the gateway nothing', async () => {
    const io = fakeIo({ env: operator });
    expect(await run(['rebuild-state'], io)).toBe(ExitCode.NotConfirmed);
    expect(io.err()).toBe(
      'crux: refusing to rebuild without a confirmation: standard input is not a terminal, so no one can answer (run it in a terminal, or add --yes); nothing was started\n',
    );
    expect(gateway.requests).toHaveLength(0);
  });

  it('runs without asking with --yes, and prints one JSON document with --json', async () => {
    const io = fakeIo({ env: operator });
    expect(await run(['rebuild-state', '--yes', '--json'], io)).toBe(ExitCode.Ok);
    expect(JSON.parse(io.out())).toEqual({
      started: true,
      joined: false,
      progress: expect.objectContaining({
        rebuild_id: gateway.rebuild?.rebuild_id,
        status: 'completed',
        events_read: 100,
        jobs_restored: 7,
        jobs_deleted: 2,
      }),
    });
    expect(starts()).toHaveLength(1);
    expect(io.err()).toBe('');
  });

  it('follows the rebuild already running instead of starting another, saying so, without asking', async () => {
    const running = gateway.startAutomaticRebuild();
    const io = fakeIo({ env: operator, answers: [] });
    expect(await run(['rebuild-state'], io)).toBe(ExitCode.Ok);
    expect(io.asked()).toEqual([]);
    expect(starts()).toHaveLength(0);
    expect(io.out()).toMatch(
      new RegExp(
        `^a rebuild is already running: rebuild ${running.rebuild_id}, started .+ automatically by job-state \\(Redis had lost the live state\\); following it instead of starting another\\n`,
      ),
    );
    expect(io.out()).toContain(`rebuild ${running.rebuild_id} completed in 2.5s: 100 events read, 7 jobs restored`);
  });

  it('follows the one named by a 409 when a rebuild started while the operator was reading', async () => {
    const io = fakeIo({ env: operator, answers: ['yes'] });
    const answer = io.ask!;
    let running: ReturnType<FakeGateway['startAutomaticRebuild']> | undefined;
    io.ask = async (question) => {
      running = gateway.startAutomaticRebuild();
      return answer(question);
    };
    expect(await run(['rebuild-state'], io)).toBe(ExitCode.Ok);

    // The start was asked for and refused with 409; the CLI then followed that rebuild to its end.
    expect(starts()).toHaveLength(1);
    expect(gateway.rebuild?.rebuild_id).toBe(running?.rebuild_id);
    expect(io.out()).toMatch(
      new RegExp(
        `\\na rebuild is already running: rebuild ${running?.rebuild_id}, started .+; following it instead of starting another\\n`,
      ),
    );
    expect(io.out()).toContain(`rebuild ${running?.rebuild_id} completed in 2.5s: 100 events read, 7 jobs restored, 2 tombstones kept`);
    expect(io.err()).toBe('');
  });

  it('reports a rebuild that failed in job-state: exit 7 and why', async () => {
    gateway.rebuildOutcome = { error: 'Redis went away' };
    const io = fakeIo({ env: operator });
    expect(await run(['rebuild-state', '--yes'], io)).toBe(ExitCode.GatewayError);
    expect(io.out()).toContain(`rebuild ${gateway.rebuild?.rebuild_id} failed in 2.5s, after 100 of 100 events read: Redis went away\n`);
    expect(io.err()).toBe(`crux: rebuild ${gateway.rebuild?.rebuild_id} failed in job-state: Redis went away\n`);
  });

  it('is refused to a submitter and an auditor (403, exit 4), who start nothing', async () => {
    for (const key of ['sub-key', 'aud-key']) {
      const io = fakeIo({ env: { ...operator, CRUX_API_KEY: key } });
      expect(await run(['rebuild-state', '--yes'], io)).toBe(ExitCode.NotAuthorised);
      expect(io.err()).toBe('crux: 403 Forbidden — operators only\n');
    }
    expect(starts()).toHaveLength(0);
    expect(gateway.rebuild).toBeNull();
  });

  it('redraws the bar in place on a terminal', async () => {
    const io = fakeIo({ env: operator, answers: ['y'], tty: true, columns: 90 });
    expect(await run(['rebuild-state'], io)).toBe(ExitCode.Ok);
    const screen = screenOf(io.out());
    const bar = screen.findIndex((line) => line.startsWith('['));
    expect(screen[bar]).toMatch(/^\[█{10,30}\] 100% {2}completed {2}100 of 100 events · 7 restored · 2 tombstones$/);
    expect(screen[bar + 1]).toMatch(/^rebuild \S+ completed in 2\.5s/);
  });

  it('stops following on Ctrl-C (exit 130), leaving the rebuild running', async () => {
    const io = fakeIo({ env: { ...operator, CRUX_POLL_MS: '60000' } });
    const exit = run(['rebuild-state', '--yes'], io);
    await waitFor(() => io.out().includes('reading the JOBS stream'), { what: 'the first progress line' });
    io.interrupt();
    expect(await exit).toBe(ExitCode.Interrupted);
    expect(io.err()).toBe(
      `crux: stopped following rebuild ${gateway.rebuild?.rebuild_id}; it keeps running in job-state (crux rebuild-state again shows it)\n`,
    );
    expect(gateway.rebuild?.status).toBe('running');
  });
});
