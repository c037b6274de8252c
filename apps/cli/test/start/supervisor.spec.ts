/**
 * `npm start` as a real process (scripts/start/supervise.mjs, what scripts/start.mjs runs), with
 * stand-in services and real NATS and Redis servers it starts: however it ends — the terminal
 * closing (SIGHUP), SIGTERM, or a SIGKILL that leaves it no chance to stop anything — no
 * process it started is left, and a second start while one runs says so and exits.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, portAnswers, waitFor } from '@crux/test-harness';
// eslint-disable-next-line @nx/enforce-module-boundaries -- scripts/start (npm start) is no Nx project; the cli project owns and tests it
import { isRunning, leftoverProblem, type RunRecord } from '../../../../scripts/start/run-record.mjs';
import { writeFakeServices } from './fake-services.js';

const SUPERVISE = fileURLToPath(new URL('../../../../scripts/start/supervise.mjs', import.meta.url));
const SERVICES = ['job-state', 'audit', 'worker', 'gateway'];

/** Running, and not a zombie left for a parent to reap. */
const alive = (pid: number) => isRunning({ name: '', pid, marker: '' });

describe('npm start as a process: nothing it started outlives it', () => {
  let root: string;
  let ports: { nats: number; redis: number; http: number };
  let supervisor: ChildProcess | undefined;
  let owned: number[] = [];

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'crux-supervise-'));
    ports = { nats: await freePort(), redis: await freePort(), http: await freePort() };
    writeFakeServices(root, SERVICES);
    // scripts/start.mjs with this checkout's root replaced by the temporary one.
    writeFileSync(
      join(root, 'start.mjs'),
      `import { supervise } from ${JSON.stringify(SUPERVISE)};\nprocess.exitCode = await supervise({ root: ${JSON.stringify(root)}, env: process.env });\n`,
    );
    owned = [];
  });

  afterEach(async () => {
    // Whatever a failed test left: never leave processes behind for the next suite.
    for (const pid of [supervisor?.pid, ...owned]) if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  interface Run {
    child: ChildProcess;
    exited: Promise<{ code: number | null; signal: string | null }>;
    output: () => string;
  }

  function spawnSupervisor(): Run {
    // A relative script path, as `npm start` runs `node scripts/start.mjs`.
    const child = spawn(process.execPath, ['start.mjs'], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        NATS_URL: `nats://127.0.0.1:${ports.nats}`,
        REDIS_URL: `redis://127.0.0.1:${ports.redis}`,
        CRUX_HTTP_PORT: String(ports.http),
      },
      // Its own group, as a terminal's foreground job: signals here reach it alone.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    return { child, exited, output: () => text };
  }

  /** Starts the supervisor and resolves once it printed its banner, with every pid it recorded. */
  async function startSupervisor(): Promise<Run & { record: RunRecord }> {
    const run = spawnSupervisor();
    supervisor = run.child;
    await waitFor(() => run.output().includes('Crux is running at'), { what: `the banner in:\n${run.output()}`, timeoutMs: 60_000 });
    const record = JSON.parse(readFileSync(join(root, '.crux', 'npm-start.json'), 'utf8')) as RunRecord;
    owned = record.processes.map((p) => p.pid);
    return { ...run, record };
  }

  async function expectNothingLeft(record: RunRecord): Promise<void> {
    const started = record.processes.filter((p) => p.name !== 'npm start');
    // npm start itself, NATS and Redis (through their tethers) and the four services.
    expect(started.map((p) => p.name).sort()).toEqual(['NATS', 'Redis', ...SERVICES].sort());
    await waitFor(() => started.every((p) => !alive(p.pid)), {
      what: `every process to end; alive: ${started
        .filter((p) => alive(p.pid))
        .map((p) => `${p.name} ${p.pid}`)
        .join(', ')}`,
      timeoutMs: 45_000,
    });
    for (const port of [ports.nats, ports.redis, ports.http])
      expect({ port, answers: await portAnswers(port) }).toEqual({ port, answers: false });
  }

  it.each(['SIGHUP', 'SIGTERM'] as const)('stops every service, then the servers, on %s, and exits 0', async (signal) => {
    const { child, exited, output, record } = await startSupervisor();
    child.kill(signal);
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(output()).toContain(`${signal}: stopping the services, then the servers`);
    expect(output()).toContain('stopped the servers npm start had started');
    await expectNothingLeft(record);
  });

  it('leaves nothing behind when it is killed with SIGKILL: each service and server notices and stops', async () => {
    const { child, exited, record } = await startSupervisor();
    child.kill('SIGKILL');
    expect(await exited).toEqual({ code: null, signal: 'SIGKILL' });
    await expectNothingLeft(record);
  });

  it('refuses a second start while one runs, naming it, and leaves the first running', async () => {
    const first = await startSupervisor();
    const second = spawnSupervisor();
    expect(await second.exited).toEqual({ code: 1, signal: null });
    expect(second.output()).toContain(
      `npm start: npm start is already running here (pid ${first.child.pid}, since ${first.record.started_at}, at http://127.0.0.1:${ports.http}). Stop it first`,
    );
    expect(first.record.processes.every((p) => alive(p.pid))).toBe(true);
    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
  });
});

describe('leftoverProblem', () => {
  const record: RunRecord = {
    url: 'http://127.0.0.1:8000',
    started_at: '2026-12-06T10:00:00.000Z',
    processes: [
      { name: 'npm start', pid: 10, marker: 'start.mjs' },
      { name: 'job-state', pid: 11, marker: 'apps/job-state/dist/main.js' },
      { name: 'audit', pid: 12, marker: 'apps/audit/dist/main.js' },
    ],
  };

  it('says what to stop when a previous run left services behind', () => {
    expect(leftoverProblem(record, (p) => p.pid !== 10)).toBe(
      'a previous npm start (since 2026-12-06T10:00:00.000Z) ended without stopping everything; still running: job-state (pid 11), audit (pid 12). ' +
        'Stop them with `kill 11 12`, then start again.',
    );
  });

  it('names the running npm start, and ignores a record whose processes are all gone', () => {
    expect(leftoverProblem(record, () => true)).toMatch(
      /^npm start is already running here \(pid 10, since .*, at http:\/\/127.0.0.1:8000\)\. Stop it first/,
    );
    expect(leftoverProblem(record, () => false)).toBeUndefined();
    expect(leftoverProblem(undefined)).toBeUndefined();
  });
});
