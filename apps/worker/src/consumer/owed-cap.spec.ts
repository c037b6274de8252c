import { describe, expect, it } from '@jest/globals';
import { owedCap } from './owed-cap.js';

describe('owedCap', () => {
  const sent = [
    { at: 1_000, batch: 4 },
    { at: 20_000, batch: 2 },
  ];

  it('counts the batches of every request still within its life', () => {
    expect(owedCap(sent, 25_000, 31_000)).toEqual({ alive: sent, cap: 6 });
  });

  it('leaves out a request past its life, 408 or not', () => {
    expect(owedCap(sent, 32_000, 31_000)).toEqual({ alive: [sent[1]], cap: 2 });
  });

  it('owes nothing once every request is past its life', () => {
    expect(owedCap(sent, 51_000, 31_000)).toEqual({ alive: [], cap: 0 });
    expect(owedCap([], 0, 31_000)).toEqual({ alive: [], cap: 0 });
  });
});
