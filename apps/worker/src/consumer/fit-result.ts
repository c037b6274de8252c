/**
 * Keeps a result within what one NATS message may carry. Without this an oversized result
 * could never be published, and the job would be re-run until it failed as worker_lost.
 * The answer is kept whole whenever possible; the evolution history gives way first.
 */
import type { SolveResult } from '@crux/contracts';

/** Room left for the envelope around the result. */
const ENVELOPE_ALLOWANCE = 16 * 1024;
const KEPT_CHARS = 200;

export function fitResult(result: SolveResult, maxPayloadBytes: number): SolveResult {
  const budget = maxPayloadBytes - ENVELOPE_ALLOWANCE;
  if (size(result) <= budget) return result;
  const metadata = {
    ...(shorten(result.metadata) as Record<string, unknown>),
    truncated: 'texts in the metadata were shortened to fit the message size limit',
  };
  const slim = { ...result, metadata };
  const over = size(slim) - budget;
  if (over <= 0) return slim;
  const keep = Math.max(0, result.output.length - over - 64);
  return { ...slim, output: `${result.output.slice(0, keep)}… [truncated to fit the message size limit]` };
}

function size(result: SolveResult): number {
  return Buffer.byteLength(JSON.stringify({ result }));
}

function shorten(value: unknown): unknown {
  if (typeof value === 'string') return value.length > KEPT_CHARS ? `${value.slice(0, KEPT_CHARS)}…` : value;
  if (Array.isArray(value)) return value.map(shorten);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shorten(v)]));
  return value;
}
