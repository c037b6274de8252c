import { describe, expect, it } from '@jest/globals';
import { ProgressGate, type GateTimer } from './progress-gate.js';

/** A hand-driven clock and the one timer a gate makes, fired by the test. */
function harness(intervalMs: number) {
  const clock = { t: 0 };
  const timer = { made: 0, due: null as number | null, tick: () => undefined as void };
  const gate = new ProgressGate<number>(
    intervalMs,
    () => clock.t,
    (tick, ms): GateTimer => {
      timer.made++;
      timer.tick = tick;
      timer.due = clock.t + ms;
      return { refresh: () => void (timer.due = clock.t + ms) };
    },
  );
  /** Moves the clock to `t`, firing the timer on the way if it is due. */
  const advance = (t: number) => {
    if (timer.due !== null && timer.due <= t) {
      clock.t = timer.due;
      timer.due = null;
      timer.tick();
    }
    clock.t = t;
  };
  return { gate, clock, timer, advance };
}

describe("a pool child's progress gate", () => {
  it('sends nothing in the first interval from the start, then the newest held back when the interval ends', () => {
    const { gate, advance } = harness(100);
    const sent: number[] = [];
    gate.begin((v) => sent.push(v));
    gate.offer(1);
    advance(50);
    gate.offer(2);
    expect(sent).toEqual([]);
    advance(100);
    expect(sent).toEqual([2]);
    // The next interval counts from that report.
    advance(150);
    for (let i = 3; i <= 9; i++) gate.offer(i);
    expect(sent).toEqual([2]);
    advance(200);
    expect(sent).toEqual([2, 9]);
  });

  it('sends at once a report that comes after a quiet interval', () => {
    const { gate, advance } = harness(100);
    const sent: number[] = [];
    gate.begin((v) => sent.push(v));
    advance(500);
    gate.offer(1);
    expect(sent).toEqual([1]);
    gate.offer(2);
    expect(sent).toEqual([1]);
    advance(600);
    expect(sent).toEqual([1, 2]);
  });

  it('drops what is held back when the job ends, and sends nothing of it later', () => {
    const { gate, advance } = harness(100);
    const sent: number[] = [];
    gate.begin((v) => sent.push(v));
    gate.offer(1);
    advance(40);
    gate.offer(2);
    gate.end();
    advance(1000);
    gate.offer(3);
    expect(sent).toEqual([]);
  });

  it('uses one timer for every job, re-armed when a job starts, and counts each job from its own start', () => {
    const { gate, timer, advance } = harness(100);
    const first: number[] = [];
    const second: number[] = [];
    gate.begin((v) => first.push(v));
    gate.offer(1);
    gate.end();
    advance(10);
    gate.begin((v) => second.push(v));
    gate.offer(2);
    // Due 100 ms after the second job's start, not the first's.
    advance(105);
    expect(second).toEqual([]);
    advance(110);
    expect(second).toEqual([2]);
    expect(first).toEqual([]);
    expect(timer.made).toBe(1);
  });

  it('with a real timer, sends the held-back report when the interval ends without waiting for another', async () => {
    const gate = new ProgressGate<string>(20);
    const sent: string[] = [];
    gate.begin((v) => sent.push(v));
    gate.offer('a');
    gate.offer('b');
    expect(sent).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sent).toEqual(['b']);
    gate.end();
  });
});
