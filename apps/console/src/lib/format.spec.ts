import { describe, expect, it } from '@jest/globals';
import { formatDuration, formatTime, parseAge, shortHash } from './format';

describe('formats', () => {
  it('reads ages as the CLI does', () => {
    expect(parseAge('7d')).toBe(604_800);
    expect(parseAge('1d12h')).toBe(129_600);
    expect(parseAge('90')).toBe(90);
    expect(parseAge('2w')).toBe(1_209_600);
    expect(parseAge('soon')).toBeNull();
    expect(parseAge('')).toBeNull();
  });

  it('writes durations, times and hashes briefly', () => {
    expect(formatDuration(599)).toBe('9m 59s');
    expect(formatDuration(90_061)).toBe('1d 1h');
    expect(formatDuration(0)).toBe('0s');
    expect(formatTime('2026-12-01T10:00:00.123Z')).toBe('2026-12-01 10:00:00 UTC');
    expect(formatTime(null)).toBe('-');
    expect(shortHash('a'.repeat(64))).toBe(`${'a'.repeat(12)}…`);
  });
});
