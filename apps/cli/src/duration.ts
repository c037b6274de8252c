/**
 * Durations and times on the command line: `--older-than 7d`, `--since 2h` or
 * `--since 2026-11-28T12:00:00Z`. Pure, so every accepted and refused form is unit-tested.
 */
import { UsageError } from './errors.js';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
const WHOLE = /^(?:\d+[smhdw])+$/;

/**
 * Seconds in `7d`, `12h`, `30m`, `45s`, `2w`, a combination such as `1d12h`, or a bare
 * number of seconds. Undefined for anything else (including zero and negative values).
 */
export function parseDuration(text: string): number | undefined {
  const raw = text.trim().toLowerCase();
  let seconds: number;
  if (/^\d+$/.test(raw)) seconds = Number(raw);
  else if (WHOLE.test(raw)) {
    seconds = 0;
    for (const [, amount, unit] of raw.matchAll(/(\d+)([smhdw])/g)) seconds += Number(amount) * UNIT_SECONDS[unit];
  } else return undefined;
  return Number.isSafeInteger(seconds) && seconds > 0 ? seconds : undefined;
}

/** A duration option, or a usage error naming it. */
export function parseDurationOption(command: string, option: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const seconds = parseDuration(raw);
  if (seconds === undefined) {
    throw new UsageError(`${option} must be a duration such as 30m, 12h, 7d or a number of seconds, got '${raw}'`, command);
  }
  return seconds;
}

/** `7d`, `1d 12h`, `90s`: the largest two units, for showing a filter back to the operator. */
export function describeDuration(seconds: number): string {
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.slice(0, 2).join(' ') || '0s';
}

/**
 * A point in time for `--since`/`--until`: a duration means that long before `now`;
 * anything else must be a date (2026-11-28) or a date and time the gateway can read, and is
 * sent as typed so the gateway's own rules (a time needs a zone) apply.
 */
export function parseTimeOption(command: string, option: string, raw: string | undefined, now: Date): string | undefined {
  if (raw === undefined) return undefined;
  const seconds = parseDuration(raw);
  if (seconds !== undefined && !/^\d+$/.test(raw.trim())) return new Date(now.getTime() - seconds * 1000).toISOString();
  if (/^\d{4}-\d{2}-\d{2}/.test(raw.trim()) && Number.isFinite(Date.parse(raw.trim()))) return raw.trim();
  throw new UsageError(
    `${option} must be a time such as 2026-11-28T12:00:00Z, or a duration before now such as 2h or 7d, got '${raw}'`,
    command,
  );
}
