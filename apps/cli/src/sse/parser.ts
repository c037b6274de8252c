/**
 * Server-Sent Events read with `eventsource-parser` (the WHATWG "event stream interpretation":
 * chunks split anywhere, CRLF/LF/CR line endings, comments, multi-line data, `retry:`), behind
 * the small pull-style interface the follow loop wants: feed decoded text, get the events that
 * chunk completed, and know the id a reconnect must send.
 *
 * An `id:` counts only once its event block is complete (the standard's "last event ID buffer"
 * versus "last event ID string"): when a connection dies mid-event, the client resumes from the
 * last whole event and the server sends the broken one again. A block with an id and no data
 * still moves the id on.
 */
import { createParser, type EventSourceParser } from 'eventsource-parser';

export interface SseEvent {
  /** `event:` field, or 'message' when the event had none. */
  type: string;
  data: string;
  /** The last event id seen so far on the stream (what Last-Event-ID sends on reconnect). */
  id: string;
}

export class SseParser {
  private readonly parser: EventSourceParser;
  private lastEventIdValue: string;
  private retry: number | undefined;
  private completed: SseEvent[] = [];

  constructor(initialLastEventId = '') {
    this.lastEventIdValue = initialLastEventId;
    this.parser = createParser({
      // Called before onEvent for the block that carried the id, and for id-only blocks.
      onId: (id) => {
        this.lastEventIdValue = id;
      },
      onEvent: (event) => {
        this.completed.push({ type: event.event || 'message', data: event.data, id: this.lastEventIdValue });
      },
      onRetry: (ms) => {
        this.retry = ms;
      },
    });
  }

  /** The id of the last complete event block: what Last-Event-ID sends on reconnect. */
  get lastEventId(): string {
    return this.lastEventIdValue;
  }

  /** The reconnection delay the server asked for with `retry:`, if it did. */
  get retryMs(): number | undefined {
    return this.retry;
  }

  feed(chunk: string): SseEvent[] {
    this.parser.feed(chunk);
    const events = this.completed;
    this.completed = [];
    return events;
  }
}
