import { describe, expect, it } from '@jest/globals';
import { SendTurn } from './send-turn.js';

/** A Defer the test runs by hand: the "end of the turn" is when the test says so. */
function manualTurn() {
  const due: Array<() => void> = [];
  return { defer: (run: () => void) => due.push(run), end: () => due.splice(0).forEach((run) => run()), pending: () => due.length };
}

describe('SendTurn', () => {
  it('holds every send of a turn and makes them together, in order, once the turn ends', () => {
    const turn = manualTurn();
    const sends = new SendTurn(turn.defer);
    const made: string[] = [];
    sends.later(() => made.push('started'));
    sends.later(() => made.push('ack'));
    sends.later(() => made.push('pull'));
    expect(made).toEqual([]);
    // One flush scheduled for the whole turn.
    expect(turn.pending()).toBe(1);
    turn.end();
    expect(made).toEqual(['started', 'ack', 'pull']);
    sends.later(() => made.push('next turn'));
    expect(turn.pending()).toBe(1);
    turn.end();
    expect(made).toEqual(['started', 'ack', 'pull', 'next turn']);
  });

  it('makes the other sends of the turn when one throws', () => {
    const turn = manualTurn();
    const sends = new SendTurn(turn.defer);
    const made: string[] = [];
    sends.later(() => {
      throw new Error('connection closed');
    });
    sends.later(() => made.push('second'));
    turn.end();
    expect(made).toEqual(['second']);
  });

  it('settles a submitted send with its own result or error', async () => {
    const turn = manualTurn();
    const sends = new SendTurn(turn.defer);
    const ok = sends.submit(() => Promise.resolve(7));
    const failed = sends.submit(() => Promise.reject(new Error('no responders')));
    const thrown = sends.submit<number>(() => {
      throw new Error('bad subject');
    });
    turn.end();
    await expect(ok).resolves.toBe(7);
    await expect(failed).rejects.toThrow('no responders');
    await expect(thrown).rejects.toThrow('bad subject');
  });

  it('by default gathers sends made across the microtasks of one turn into one pass after it', async () => {
    const sends = new SendTurn();
    const made: number[] = [];
    let passes = 0;
    let inPass = false;
    const send = (n: number) => () => {
      if (!inPass) {
        inPass = true;
        passes++;
        queueMicrotask(() => (inPass = false));
      }
      made.push(n);
    };
    sends.later(send(1));
    await Promise.resolve();
    sends.later(send(2));
    await Promise.resolve().then(() => undefined);
    sends.later(send(3));
    expect(made).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(made).toEqual([1, 2, 3]);
    expect(passes).toBe(1);
  });
});
