/** Waiting between polls (purge progress, `audit tail -f`), interruptible by Ctrl-C. */
import { setTimeout as delay } from 'node:timers/promises';
import { CliError } from './errors.js';
import { ExitCode } from './exit-codes.js';

export const DEFAULT_POLL_MS = 500;

/** CRUX_POLL_MS, or the default: how often progress and new audit records are asked for. */
export function pollIntervalMs(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env.CRUX_POLL_MS?.trim();
  if (!raw) return DEFAULT_POLL_MS;
  const ms = Number(raw);
  if (!/^\d+$/.test(raw) || ms < 10 || ms > 600_000) {
    throw new CliError(`CRUX_POLL_MS must be a whole number of milliseconds from 10 to 600000, got '${raw}'`, ExitCode.Usage);
  }
  return ms;
}

/** Resolves after `ms`, or rejects with an AbortError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal });
}
