import { describe, expect, it } from '@jest/globals';
import { TurnBatch } from './turn-batch.js';

/** A TurnBatch whose turns end when the test says so, recording what was sent in which turn. */
function manual<R>(send: (item: string) => Promise<R>) {
  const pending: Array<() => void> = [];
  const turns: string[][] = [];
  let current: string[] = [];
  const batch = new TurnBatch<string, R>(
    (item) => {
      current.push(item);
      return send(item);
    },
    (run) => pending.push(run),
  );
  const endTurn = () => {
    current = [];
    for (const run of pending.splice(0)) run();
    if (current.length) turns.push(current);
  };
  return { batch, turns, endTurn, scheduled: () => pending.length };
}

describe('TurnBatch', () => {
  it('sends nothing until the turn ends, then everything submitted in it together, in order', async () => {
    const { batch, turns, endTurn, scheduled } = manual(async (item) => `ack ${item}`);
    const results = [batch.submit('a'), batch.submit('b'), batch.submit('c')];
    expect(turns).toEqual([]);
    expect(scheduled()).toBe(1);
    endTurn();
    expect(turns).toEqual([['a', 'b', 'c']]);
    await expect(Promise.all(results)).resolves.toEqual(['ack a', 'ack b', 'ack c']);
  });

  it('starts a new batch for what is submitted after a turn ended', async () => {
    const { batch, turns, endTurn } = manual(async (item) => item);
    const first = batch.submit('a');
    endTurn();
    const second = batch.submit('b');
    endTurn();
    expect(turns).toEqual([['a'], ['b']]);
    await expect(Promise.all([first, second])).resolves.toEqual(['a', 'b']);
  });

  it('gives each item its own outcome: a rejection or a throw fails that item only', async () => {
    const { batch, endTurn } = manual(async (item) => {
      if (item === 'rejected') throw new Error('no ack');
      return item;
    });
    const throwing = new TurnBatch<string, string>(
      (item) => {
        if (item === 'thrown') throw new Error('closed');
        return Promise.resolve(item);
      },
      (run) => run(),
    );
    const results = [batch.submit('ok'), batch.submit('rejected'), batch.submit('also ok')];
    endTurn();
    await expect(results[0]).resolves.toBe('ok');
    await expect(results[1]).rejects.toThrow('no ack');
    await expect(results[2]).resolves.toBe('also ok');
    await expect(throwing.submit('thrown')).rejects.toThrow('closed');
    await expect(throwing.submit('fine')).resolves.toBe('fine');
  });

  it('by default sends what one turn of the event loop submitted in one synchronous pass', async () => {
    const sent: string[] = [];
    let passes = 0;
    let inPass = false;
    const batch = new TurnBatch<string, string>((item) => {
      if (!inPass) {
        inPass = true;
        passes++;
        queueMicrotask(() => (inPass = false));
      }
      sent.push(item);
      return Promise.resolve(item);
    });
    const results = [batch.submit('a'), batch.submit('b')];
    expect(sent).toEqual([]);
    await Promise.all(results);
    expect(sent).toEqual(['a', 'b']);
    expect(passes).toBe(1);
  });
});
