import type { FeedItem } from '@crux/messaging';

/** One SSE frame: the stream sequence as id (what Last-Event-ID sends back), the type as event name. */
export function sseEvent(item: FeedItem): string {
  // JSON.stringify never emits a raw newline, so the payload is one `data:` line.
  return `id: ${item.seq}\nevent: ${item.event.type}\ndata: ${JSON.stringify(item.event)}\n\n`;
}

export const SSE_HEARTBEAT = ': heartbeat\n\n';

/** How long a client that lost the stream waits before reconnecting with Last-Event-ID. */
export const SSE_RETRY = 'retry: 2000\n\n';
