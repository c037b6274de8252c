import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RedisKeys } from '@crux/contracts';
import { LUA_DIR } from '../lua-dir.js';
import { fencedCall, isFencedError, wrapInFence } from './fenced-scripts.js';

const fence = { epoch: '7:replica-a:1a2b3c4d' };

describe('fencedCall', () => {
  it("puts the epoch key before a fixed-count script's KEYS and the epoch before its ARGV", () => {
    const keys = ['job:j1', 'jobs:expiry'];
    const argv = ['12', 'j1', '1', '{}', '60'];
    expect(fencedCall('setHold', [...keys, ...argv], fence)).toEqual({
      command: 'fencedSetHold',
      args: [RedisKeys.projectorEpoch, ...keys, fence.epoch, ...argv],
    });
  });

  it("counts the epoch key in a variable-count script's key count", () => {
    const keys = ['jobs:by_created', 'jobs:expiry', 'job:j1', 'jobs:deleted:j1'];
    const argv = ['[]', 'jobs:by_owner:', '3600', '40', 'j1', 'alice'];
    expect(fencedCall('deleteJobs', [String(keys.length), ...keys, ...argv], fence)).toEqual({
      command: 'fencedDeleteJobs',
      args: [String(keys.length + 1), RedisKeys.projectorEpoch, ...keys, fence.epoch, ...argv],
    });
  });

  it("splits restore-job's 10 keys from its ARGV", () => {
    const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
    const argv = ['5', 'j1', 'x'];
    const { args } = fencedCall('restoreJob', [...keys, ...argv], fence);
    expect(args.slice(0, 11)).toEqual([RedisKeys.projectorEpoch, ...keys]);
    expect(args.slice(11)).toEqual([fence.epoch, ...argv]);
  });

  it('refuses a script that has no fenced variant', () => {
    expect(() => fencedCall('confirmPurge', ['purge:p1'], fence)).toThrow(/no fenced variant/);
  });
});

describe('wrapInFence', () => {
  const prologue = readFileSync(join(LUA_DIR, 'fenced', 'projector-fence.lua'), 'utf8');

  it('places the body inside the function the prologue calls with the shifted KEYS and ARGV', () => {
    const lua = wrapInFence(prologue, 'return { KEYS[1], ARGV[1] }\n');
    expect(lua).toContain('return (function(KEYS, ARGV)\nreturn { KEYS[1], ARGV[1] }\n\nend)(keys, args)');
    expect(lua.indexOf("redis.call('GET', KEYS[1])")).toBeLessThan(lua.indexOf('return { KEYS[1], ARGV[1] }'));
  });

  it('keeps a body with `$` patterns verbatim', () => {
    expect(wrapInFence(prologue, "return '$&$1'")).toContain("return '$&$1'");
  });

  it('fails on a prologue without the body mark', () => {
    expect(() => wrapInFence('return 1', 'return 2')).toThrow(/marking where the body goes/);
  });
});

describe('isFencedError', () => {
  it("tells the fence's refusal from other script errors", () => {
    expect(isFencedError(new Error('FENCED the projector epoch is 8:b:x, not 7:a:y'))).toBe(true);
    expect(isFencedError(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(false);
    expect(isFencedError('FENCED')).toBe(false);
  });
});
