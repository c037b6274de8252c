/**
 * A Server-Sent Events parser following the WHATWG "event stream interpretation" rules:
 * text arrives in chunks split anywhere (even between the CR and LF of one line ending),
 * lines end in CRLF, LF or CR, `:` starts a comment, `data:` lines join with newlines, a
 * blank line dispatches, the last `id:` persists across events, and `retry:` sets the
 * reconnection delay. Feed it decoded text; it returns the events each chunk completed.
 *
 * An `id:` counts only once its event is complete (the standard's "last event ID buffer"
 * versus "last event ID string"): when a connection dies mid-event, the client resumes
 * from the last whole event and the server sends the broken one again.
 */
export interface SseEvent {
  /** `event:` field, or 'message' when the event had none. */
  type: string;
  data: string;
  /** The last event id seen so far on the stream (what Last-Event-ID sends on reconnect). */
  id: string;
}

export class SseParser {
  private buffer = '';
  private lastCharWasCr = false;
  private atStreamStart = true;
  private data: string[] = [];
  private eventType = '';
  private idBuffer: string;
  private lastEventIdValue: string;
  private retry: number | undefined;

  constructor(initialLastEventId = '') {
    this.idBuffer = initialLastEventId;
    this.lastEventIdValue = initialLastEventId;
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
    let text = chunk;
    if (this.atStreamStart && text.length > 0) {
      this.atStreamStart = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    // A CR ending the previous chunk already ended its line; an LF opening this chunk is the rest of that CRLF.
    if (this.lastCharWasCr && text.startsWith('\n')) text = text.slice(1);
    if (text.length === 0) return [];
    this.lastCharWasCr = text.endsWith('\r');

    const events: SseEvent[] = [];
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch !== 0x0a && ch !== 0x0d) continue;
      const line = this.buffer + text.slice(start, i);
      this.buffer = '';
      const event = this.processLine(line);
      if (event) events.push(event);
      if (ch === 0x0d && text.charCodeAt(i + 1) === 0x0a) i++;
      start = i + 1;
    }
    this.buffer += text.slice(start);
    return events;
  }

  private processLine(line: string): SseEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventType = value;
        break;
      case 'data':
        this.data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.idBuffer = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
      default:
        // Unknown fields are ignored, as the standard requires.
        break;
    }
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    this.lastEventIdValue = this.idBuffer;
    const hadData = this.data.length > 0;
    const event: SseEvent = { type: this.eventType || 'message', data: this.data.join('\n'), id: this.lastEventIdValue };
    this.data = [];
    this.eventType = '';
    return hadData ? event : undefined;
  }
}
