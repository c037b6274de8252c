/**
 * Server-Sent Events read with `eventsource-parser` (chunks split anywhere, CRLF/LF/CR line
 * endings, comments, multi-line data, `retry:`) behind the pull-style interface the job stream
 * wants: feed decoded text, get the events that chunk completed. An `id:` counts only once its
 * event block is complete, so a connection that dies mid-event resumes (Last-Event-ID) from the
 * last whole one; a block with an id and no data still moves the id on.
 */
import { createParser, type EventSourceParser } from 'eventsource-parser';

export interface SseMessage {
  /** `event:`, or 'message' when the event had none. */
  type: string;
  data: string;
  /** The last event id so far: what Last-Event-ID sends on reconnect. */
  id: string;
}

export class SseParser {
  /** The reconnection delay the server asked for with `retry:`, if it did. */
  retryMs: number | undefined;
  private lastId: string;
  private completed: SseMessage[] = [];
  private readonly parser: EventSourceParser;

  constructor(lastEventId = '') {
    this.lastId = lastEventId;
    this.parser = createParser({
      // Called before onEvent for the block that carried the id, and for id-only blocks.
      onId: (id) => {
        this.lastId = id;
      },
      onEvent: (event) => {
        this.completed.push({ type: event.event || 'message', data: event.data, id: this.lastId });
      },
      onRetry: (ms) => {
        this.retryMs = ms;
      },
    });
  }

  get lastEventId(): string {
    return this.lastId;
  }

  feed(chunk: string): SseMessage[] {
    this.parser.feed(chunk);
    const out = this.completed;
    this.completed = [];
    return out;
  }
}
