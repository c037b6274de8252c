import { describe, expect, it } from '@jest/globals';
import { describeDuration, parseDuration, parseDurationOption, parseTimeOption } from './duration.js';
import { UsageError } from './errors.js';

describe('parseDuration', () => {
  it('reads the units an operator types, combined or alone, and bare seconds', () => {
    expect(parseDuration('30m')).toBe(1800);
    expect(parseDuration('12h')).toBe(43_200);
    expect(parseDuration('7d')).toBe(604_800);
    expect(parseDuration('2w')).toBe(1_209_600);
    expect(parseDuration('45s')).toBe(45);
    expect(parseDuration('1d12h')).toBe(129_600);
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration(' 7D ')).toBe(604_800);
  });

  it('refuses anything else, including zero', () => {
    for (const bad of ['', '0', '0d', '7x', 'd7', '7 d', '-1h', '1.5h', 'seven days', '7d-', '99999999999999999999d']) {
      expect(parseDuration(bad)).toBeUndefined();
    }
  });

  it('names the option in a usage error', () => {
    expect(parseDurationOption('purge', '--older-than', undefined)).toBeUndefined();
    expect(() => parseDurationOption('purge', '--older-than', '7days')).toThrow(
      new UsageError("--older-than must be a duration such as 30m, 12h, 7d or a number of seconds, got '7days'"),
    );
  });

  it('shows a duration back with its two largest units', () => {
    expect(describeDuration(604_800)).toBe('7d');
    expect(describeDuration(129_600)).toBe('1d 12h');
    expect(describeDuration(90_061)).toBe('1d 1h');
    expect(describeDuration(90)).toBe('1m 30s');
  });
});

describe('parseTimeOption', () => {
  const now = new Date('2026-11-28T12:00:00.000Z');

  it('turns a duration into that long before now', () => {
    expect(parseTimeOption('audit tail', '--since', '2h', now)).toBe('2026-11-28T10:00:00.000Z');
    expect(parseTimeOption('audit tail', '--since', '7d', now)).toBe('2026-11-21T12:00:00.000Z');
  });

  it('passes dates and times through as typed', () => {
    expect(parseTimeOption('audit export', '--until', '2026-11-28', now)).toBe('2026-11-28');
    expect(parseTimeOption('audit export', '--until', '2026-11-28T12:00:00Z', now)).toBe('2026-11-28T12:00:00Z');
    expect(parseTimeOption('audit export', '--until', undefined, now)).toBeUndefined();
  });

  it('refuses what is neither, and bare numbers (seconds or a year?)', () => {
    expect(() => parseTimeOption('audit export', '--since', 'yesterday', now)).toThrow(/--since must be a time such as .* got 'yesterday'/);
    expect(() => parseTimeOption('audit export', '--since', '3600', now)).toThrow(UsageError);
    expect(() => parseTimeOption('audit export', '--since', '2026-13-45', now)).toThrow(UsageError);
  });
});
