/**
 * Follows one job's event stream (GET /jobs/{id}/events) with fetch, since EventSource
 * cannot send the Authorization header. A connection that drops before the job's terminal
 * event is opened again with Last-Event-ID, so the gateway resumes after the last whole
 * event: the timeline gets no gaps and no repeats.
 */
import { ApiError, errorMessage, type ApiClient } from './api';
import { SseParser } from './sse';
import { TERMINAL_EVENT_TYPES, type EventEnvelope } from './types';

export interface StreamCallbacks {
  onEvent(seq: number, event: EventEnvelope): void;
  /** The connection state, for the page to say: live, reconnecting (why), ended. */
  onState(state: StreamState): void;
  /** A 404 or 410 (or another refusal): the stream will not be opened again. */
  onRefused(error: ApiError): void;
}

export type StreamState =
  { kind: 'connecting' } | { kind: 'live' } | { kind: 'reconnecting'; reason: string; lastEventId: string } | { kind: 'ended' };

/** Starts following; the returned function stops. */
export function followJob(client: ApiClient, jobId: string, callbacks: StreamCallbacks): () => void {
  const abort = new AbortController();
  void run(client, jobId, callbacks, abort.signal);
  return () => abort.abort();
}

async function run(client: ApiClient, jobId: string, cb: StreamCallbacks, signal: AbortSignal): Promise<void> {
  let lastEventId = '';
  let retryMs = 1000;
  let failures = 0;
  cb.onState({ kind: 'connecting' });
  while (!signal.aborted) {
    let reason: string;
    try {
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (lastEventId) headers['last-event-id'] = lastEventId;
      const response = await client.open(`/jobs/${jobId}/events`, headers, signal);
      if (response.status === 204) return cb.onState({ kind: 'ended' });
      if (!response.ok) {
        const text = await response.text();
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(text) as Record<string, unknown>;
        } catch {
          body = {};
        }
        const error = new ApiError(response.status, errorMessage(response.status, body, text), body);
        // 5xx and 429 pass; anything else (401, 403, 404, 410) will not change on a retry.
        if (response.status < 500 && response.status !== 429) return cb.onRefused(error);
        throw error;
      }
      cb.onState({ kind: 'live' });
      const parser = new SseParser(lastEventId);
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const message of parser.feed(value)) {
          lastEventId = message.id;
          failures = 0;
          let event: EventEnvelope;
          try {
            event = JSON.parse(message.data) as EventEnvelope;
          } catch {
            continue;
          }
          cb.onEvent(Number(message.id), event);
          if (TERMINAL_EVENT_TYPES.includes(message.type)) {
            void reader.cancel().catch(() => undefined);
            return cb.onState({ kind: 'ended' });
          }
        }
        if (parser.retryMs !== undefined) retryMs = parser.retryMs;
      }
      reason = 'the gateway closed the stream before the job ended';
    } catch (error) {
      if (signal.aborted) return;
      reason = error instanceof ApiError ? error.message : 'the connection to the gateway dropped';
      failures++;
    }
    cb.onState({ kind: 'reconnecting', reason, lastEventId });
    const wait = Math.min(retryMs * 2 ** Math.max(0, failures - 1), 15_000);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
