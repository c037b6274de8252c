import { describe, expect, it } from '@jest/globals';
import { CliError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { Io } from '../io.js';
import { followProgress, POLL_FAILURES_TOLERATED, type FollowedOperation } from './follow-progress.js';

interface Step {
  id: string;
  done: number;
}

/** An Io off a terminal that records what is written; `interrupt` presses Ctrl-C. */
function recordingIo() {
  let out = '';
  let err = '';
  const handlers = new Set<() => void>();
  const io: Io = {
    stdout: { isTTY: false, columns: 80, write: (text: string) => (out += text) },
    stderr: { isTTY: false, write: (text: string) => (err += text) },
    readStdin: async () => '',
    env: { CRUX_POLL_MS: '10' },
    cwd: '/',
    onInterrupt: (handler) => (handlers.add(handler), () => handlers.delete(handler)),
    now: () => new Date(),
  };
  return { io, out: () => out, err: () => err, interrupt: () => handlers.forEach((h) => h()), listening: () => handlers.size };
}

/** An operation whose reads answer (or throw) `answers` in turn; done at 3 of 3. */
function operation(answers: (Step | Error)[], extra: Partial<FollowedOperation<Step>> = {}): FollowedOperation<Step> & { reads: number } {
  const op: FollowedOperation<Step> & { reads: number } = {
    reads: 0,
    kind: 'chore',
    read: async (): Promise<Step> => {
      const answer = answers[op.reads++] ?? new Error('read more often than the test expected');
      if (answer instanceof Error) throw answer;
      return answer;
    },
    finished: (s: Step) => s.done === 3,
    line: (s: Step) => ({ status: s.done === 3 ? 'completed' : 'running', progress: s.done / 3, phase: `${s.done} of 3` }),
    stillRunning: (s: Step) => `${s.id}; it keeps running`,
    ...extra,
  };
  return op;
}

const unavailable = () => new CliError('503 Service Unavailable', ExitCode.GatewayError);
const step = (done: number): Step => ({ id: 'c-1', done });

describe('following an operation the server runs', () => {
  it('reads until it is finished, printing each new state as its own line off a terminal', async () => {
    const rec = recordingIo();
    const op = operation([step(1), step(1), step(3)]);
    expect(await followProgress({ io: rec.io, draw: true }, op, step(0))).toEqual(step(3));
    expect(
      rec
        .out()
        .split('\n')
        .filter(Boolean)
        .map((l) => l.replace(/^\[[#-]+\]/, '[]')),
    ).toEqual(['[]   0%  running  0 of 3', '[]  33%  running  1 of 3', '[] 100%  completed  3 of 3']);
    expect(rec.err()).toBe('');
    expect(rec.listening()).toBe(0);
  });

  it('draws nothing when stdout carries JSON, and reads nothing when the first state is final', async () => {
    const rec = recordingIo();
    const op = operation([step(3)]);
    expect(await followProgress({ io: rec.io, draw: false }, op, step(0))).toEqual(step(3));
    expect(await followProgress({ io: rec.io, draw: false }, op, step(3))).toEqual(step(3));
    expect({ out: rec.out(), err: rec.err(), reads: op.reads }).toEqual({ out: '', err: '', reads: 1 });
  });

  it(`rides out ${POLL_FAILURES_TOLERATED - 1} failed reads in a row, saying so each time, and gives up on the next`, async () => {
    const rec = recordingIo();
    const failing = Array.from({ length: POLL_FAILURES_TOLERATED - 1 }, unavailable);
    expect(await followProgress({ io: rec.io, draw: true }, operation([...failing, step(3)]), step(0))).toEqual(step(3));
    expect(rec.err()).toBe(
      "crux: could not read the chore's progress (503 Service Unavailable); retrying\n".repeat(POLL_FAILURES_TOLERATED - 1),
    );

    const last = unavailable();
    const givingUp = operation([...failing, last, step(3)]);
    await expect(followProgress({ io: recordingIo().io, draw: true }, givingUp, step(0))).rejects.toBe(last);
    expect(givingUp.reads).toBe(POLL_FAILURES_TOLERATED);
  });

  it('counts only failures in a row: a good read in between starts the count again', async () => {
    const failing = Array.from({ length: POLL_FAILURES_TOLERATED - 1 }, unavailable);
    const op = operation([...failing, step(1), ...failing, step(3)]);
    expect(await followProgress({ io: recordingIo().io, draw: false }, op, step(0))).toEqual(step(3));
  });

  it('throws an error retrying cannot help at once, unless the operation calls it retryable', async () => {
    const notFound = new CliError('404 Not Found', ExitCode.NotFound);
    const strict = operation([notFound, step(3)]);
    await expect(followProgress({ io: recordingIo().io, draw: true }, strict, step(0))).rejects.toBe(notFound);
    expect(strict.reads).toBe(1);

    const rec = recordingIo();
    const lenient = operation([notFound, step(3)], { retryable: (error) => error === notFound });
    expect(await followProgress({ io: rec.io, draw: true }, lenient, step(0))).toEqual(step(3));
    expect(rec.err()).toBe("crux: could not read the chore's progress (404 Not Found); retrying\n");
  });

  it('stops following on Ctrl-C, saying which one keeps running', async () => {
    const rec = recordingIo();
    const never = operation([], { read: async () => step(1) });
    const following = followProgress({ io: rec.io, draw: true }, never, step(0));
    rec.interrupt();
    expect(await following).toBe('interrupted');
    expect(rec.err()).toBe('crux: stopped following chore c-1; it keeps running\n');
    expect(rec.listening()).toBe(0);
  });
});
