import { describe, expect, it } from '@jest/globals';
import { AdminLimits, parseDuration } from './admin-requests.js';

describe('parseDuration', () => {
  it.each([
    [0, 0],
    [90, 90],
    ['45s', 45],
    ['30m', 1800],
    ['12h', 43_200],
    ['7d', 604_800],
    ['2w', 1_209_600],
  ])('reads %j as %d seconds', (value, seconds) => {
    expect(parseDuration(value)).toBe(seconds);
  });

  it.each([
    -1,
    1.5,
    Number.NaN,
    '7',
    '7 d',
    '7D',
    'd',
    '-7d',
    '1.5h',
    '7days',
    '',
    null,
    true,
    [7],
    '36501d',
    AdminLimits.olderThanMaxS + 1,
  ])('refuses %j', (value) => {
    expect(parseDuration(value)).toBeNull();
  });
});
