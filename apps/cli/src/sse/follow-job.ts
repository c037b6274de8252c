/**
 * Follows one job's event stream to its end. When the connection drops before a terminal
 * event (gateway restart, network blip, idle proxy), it reconnects with Last-Event-ID so
 * the gateway resumes after the last event seen: no event is lost or shown twice. It also
 * ends, without a terminal event, when the gateway answers 204: the job is over and its
 * stream has nothing (more) to send, e.g. an old job whose events have left the log.
 */
import type { EventEnvelope } from '@crux/contracts';
import { ApiError, CliError, UnreachableError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { CruxClient } from '../http/client.js';
import { IdleTimeoutError, isAbort } from '../http/send.js';
import { isTerminalEventType } from '../job-types.js';
import { SseParser } from './parser.js';

export interface JobStreamEvent {
  /** The SSE id: the event's sequence number in the JOBS stream. */
  id: string;
  type: string;
  /** The event envelope; null if the data was not JSON. */
  envelope: EventEnvelope | null;
  raw: string;
}

export interface ReconnectInfo {
  attempt: number;
  lastEventId: string;
  reason: string;
  delayMs: number;
  /** False for a quiet reconnect after a long silence, which says nothing about the gateway's health. */
  afterFailure: boolean;
}

export interface FollowOptions {
  /** Resume after this event id, as if reconnecting. */
  lastEventId?: string;
  signal?: AbortSignal;
  /** Reconnection delay until the server sends `retry:`. @defaultValue 1000 */
  retryMs?: number;
  /** Ceiling of the doubling delay between consecutive failures. @defaultValue 15000 */
  maxRetryMs?: number;
  /** Consecutive failed attempts (no event received) before giving up. @defaultValue 8 */
  maxFailures?: number;
  /** Silence after which the connection is presumed dead and reopened. @defaultValue 90000 */
  idleTimeoutMs?: number;
  onReconnect?(info: ReconnectInfo): void;
}

export async function* followJobEvents(
  client: CruxClient,
  jobId: string,
  options: FollowOptions = {},
): AsyncGenerator<JobStreamEvent, void, undefined> {
  const { signal, maxRetryMs = 15_000, maxFailures = 8, idleTimeoutMs = 90_000 } = options;
  let retryMs = options.retryMs ?? 1000;
  let lastEventId = options.lastEventId ?? '';
  let failures = 0;
  let attempt = 0;

  for (;;) {
    attempt++;
    let reason: string;
    let lastError: unknown;
    let countsAsFailure = true;
    try {
      const response = await client.openEvents(jobId, { lastEventId, signal, idleTimeoutMs });
      if (!response) return;
      const parser = new SseParser(lastEventId);
      try {
        response.setEncoding('utf8');
        for await (const chunk of response) {
          for (const event of parser.feed(chunk as string)) {
            lastEventId = event.id;
            failures = 0;
            const jobEvent = toJobEvent(event.id, event.type, event.data);
            yield jobEvent;
            if (isTerminalEventType(jobEvent.type)) return;
          }
        }
        reason = 'the gateway closed the event stream before the job ended';
        lastError = new CliError(`the gateway keeps closing the event stream of job ${jobId} before it ends`, ExitCode.GatewayError);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (isAbort(error)) throw error;
        countsAsFailure = !(error instanceof IdleTimeoutError);
        reason = error instanceof IdleTimeoutError ? `no events for ${Math.round(idleTimeoutMs / 1000)} s` : describe(error);
        lastError = client.wrapNetworkError(error);
      } finally {
        response.destroy();
        lastEventId = parser.lastEventId;
        if (parser.retryMs !== undefined) retryMs = parser.retryMs;
      }
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (!isRetryable(error)) throw error;
      reason = describe(error);
      lastError = error;
    }

    if (countsAsFailure) failures++;
    if (failures >= maxFailures) throw lastError;
    const delayMs = countsAsFailure ? Math.min(retryMs * 2 ** Math.max(failures - 1, 0), maxRetryMs) : 0;
    options.onReconnect?.({ attempt, lastEventId, reason, delayMs, afterFailure: countsAsFailure });
    await sleep(delayMs, signal);
  }
}

function toJobEvent(id: string, sseType: string, data: string): JobStreamEvent {
  let envelope: EventEnvelope | null = null;
  try {
    const parsed: unknown = JSON.parse(data);
    if (parsed !== null && typeof parsed === 'object') envelope = parsed as EventEnvelope;
  } catch {
    // Shown raw in --json output; the renderer ignores data it cannot read.
  }
  // The SSE event name is the contract; an unnamed frame falls back to the envelope's type.
  const type = sseType !== 'message' ? sseType : (envelope?.type ?? sseType);
  return { id, type, envelope, raw: data };
}

/** Worth another try: the gateway was unreachable or answered 5xx. A 4xx will not change by retrying. */
function isRetryable(error: unknown): boolean {
  if (isAbort(error)) return false;
  if (error instanceof UnreachableError) return true;
  return error instanceof ApiError && error.status >= 500;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
