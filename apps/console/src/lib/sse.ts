/**
 * A Server-Sent Events parser for text arriving in chunks split anywhere: lines end in
 * CRLF, LF or CR, `:` starts a comment, `data:` lines join with newlines, a blank line
 * dispatches, and an `id:` counts only once its event is complete, so a connection that
 * dies mid-event resumes (Last-Event-ID) from the last whole one.
 */
export interface SseMessage {
  /** `event:`, or 'message' when the event had none. */
  type: string;
  data: string;
  /** The last event id so far: what Last-Event-ID sends on reconnect. */
  id: string;
}

export class SseParser {
  private buffer = '';
  private lastWasCr = false;
  private data: string[] = [];
  private type = '';
  private idBuffer: string;
  private lastId: string;
  /** The reconnection delay the server asked for with `retry:`, if it did. */
  retryMs: number | undefined;

  constructor(lastEventId = '') {
    this.idBuffer = lastEventId;
    this.lastId = lastEventId;
  }

  get lastEventId(): string {
    return this.lastId;
  }

  feed(chunk: string): SseMessage[] {
    let text = chunk;
    // A CR that ended the last chunk already ended its line; this LF is the rest of that CRLF.
    if (this.lastWasCr && text.startsWith('\n')) text = text.slice(1);
    if (text === '') return [];
    this.lastWasCr = text.endsWith('\r');
    const out: SseMessage[] = [];
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch !== '\n' && ch !== '\r') continue;
      const message = this.line(this.buffer + text.slice(start, i));
      this.buffer = '';
      if (message) out.push(message);
      if (ch === '\r' && text[i + 1] === '\n') i++;
      start = i + 1;
    }
    this.buffer += text.slice(start);
    return out;
  }

  private line(line: string): SseMessage | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.type = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.idBuffer = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
    return undefined;
  }

  private dispatch(): SseMessage | undefined {
    this.lastId = this.idBuffer;
    const type = this.type || 'message';
    this.type = '';
    if (this.data.length === 0) return undefined;
    const data = this.data.join('\n');
    this.data = [];
    return { type, data, id: this.lastId };
  }
}
