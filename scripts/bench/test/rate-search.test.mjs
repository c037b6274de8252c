import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RATE_LADDER, searchHighestSustained, stepAbove, stepAtOrBelow, stepBelow, sustains } from '../lifecycle/rate-search.mjs';

/** A system that sustains every rate up to `capacity`, and the rates it was asked to run. */
function systemWithCapacity(/** @type {number} */ capacity) {
  /** @type {number[]} */
  const asked = [];
  return {
    asked,
    trial: async (/** @type {number} */ rate) => {
      asked.push(rate);
      return { sustained: rate <= capacity };
    },
  };
}

describe('the rate ladder', () => {
  it('rounds a measured throughput down to a step, and steps up and down', () => {
    assert.equal(stepAtOrBelow(1_049), 1000);
    assert.equal(stepAtOrBelow(1000), 1000);
    assert.equal(stepAtOrBelow(49), null);
    assert.equal(stepAbove(1000), 1250);
    assert.equal(stepAbove(RATE_LADDER.at(-1) ?? 0), null);
    assert.equal(stepBelow(1000), 800);
    assert.equal(stepBelow(RATE_LADDER[0]), null);
  });
});

describe('sustains', () => {
  const phase = { offered: 10_000, completed: 10_000, unfinished: 0, throughput: 990 };
  it('holds when every job completed and completions kept pace with the offered rate', () => {
    assert.equal(sustains(phase, 1000, 0.95), true);
  });
  it('fails when completions fell behind (a queue built), or a job never completed', () => {
    assert.equal(sustains({ ...phase, throughput: 940 }, 1000, 0.95), false);
    assert.equal(sustains({ ...phase, completed: 9_999, unfinished: 1 }, 1000, 0.95), false);
  });
});

describe('searchHighestSustained', () => {
  it('steps up from a sustained start until a step fails', async () => {
    const s = systemWithCapacity(1_400);
    const r = await searchHighestSustained({ start: 800, trial: s.trial, maxTrials: 10 });
    assert.equal(r.highest, 1250);
    assert.equal(r.capped, false);
    assert.deepEqual(s.asked, [800, 1000, 1250, 1500]);
  });

  it('steps down from a start it cannot sustain until one it can', async () => {
    const s = systemWithCapacity(450);
    const r = await searchHighestSustained({ start: 800, trial: s.trial, maxTrials: 10 });
    assert.equal(r.highest, 400);
    assert.deepEqual(s.asked, [800, 600, 500, 400]);
  });

  it('reuses a result it already has instead of running that rate again', async () => {
    const s = systemWithCapacity(1_100);
    const known = new Map([[1000, { sustained: true }]]);
    const r = await searchHighestSustained({ start: 800, trial: s.trial, maxTrials: 10, known });
    assert.equal(r.highest, 1000);
    assert.deepEqual(s.asked, [800, 1250]);
    assert.deepEqual(
      [...r.trials.keys()].sort((a, b) => a - b),
      [800, 1000, 1250],
    );
  });

  it('says the answer is only a lower bound when the trials run out going up', async () => {
    const s = systemWithCapacity(10_000);
    const r = await searchHighestSustained({ start: 800, trial: s.trial, maxTrials: 2 });
    assert.equal(r.highest, 1000);
    assert.equal(r.capped, true);
  });

  it('finds nothing when the trials run out going down, or no step is sustained', async () => {
    const capped = await searchHighestSustained({ start: 800, trial: systemWithCapacity(100).trial, maxTrials: 3 });
    assert.deepEqual([capped.highest, capped.capped], [null, true]);
    const none = await searchHighestSustained({ start: 100, trial: systemWithCapacity(10).trial, maxTrials: 10 });
    assert.deepEqual([none.highest, none.capped], [null, false]);
  });

  it('only checks the start when told not to go up (the baseline at the rate Crux sustains)', async () => {
    const s = systemWithCapacity(5_000);
    const r = await searchHighestSustained({ start: 1000, trial: s.trial, maxTrials: 10, up: false });
    assert.equal(r.highest, 1000);
    assert.deepEqual(s.asked, [1000]);
  });

  it('refuses a start that is not on the ladder', async () => {
    await assert.rejects(searchHighestSustained({ start: 999, trial: systemWithCapacity(1).trial, maxTrials: 1 }), /not a step/);
  });
});
