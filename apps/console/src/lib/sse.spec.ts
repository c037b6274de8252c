import { describe, expect, it } from '@jest/globals';
import { SseParser } from './sse';

describe('SseParser', () => {
  it('reads events split anywhere, with CRLF split across chunks, comments and retry', () => {
    const parser = new SseParser();
    const text =
      'retry: 2000\r\n\r\n: heartbeat\r\n\r\nid: 7\r\nevent: progress\r\ndata: {"a":1}\r\n\r\nid: 8\nevent: completed\ndata: {"b":2}\n\n';
    const events = [];
    for (let i = 0; i < text.length; i += 3) events.push(...parser.feed(text.slice(i, i + 3)));
    expect(events).toEqual([
      { type: 'progress', data: '{"a":1}', id: '7' },
      { type: 'completed', data: '{"b":2}', id: '8' },
    ]);
    expect(parser.retryMs).toBe(2000);
    expect(parser.lastEventId).toBe('8');
  });

  it('counts an id only once its event is complete, so a resume repeats the broken event', () => {
    const parser = new SseParser('5');
    expect(parser.feed('id: 6\nevent: progress\ndata: {"x"')).toEqual([]);
    // The connection dies here: Last-Event-ID must still be the last whole event.
    expect(parser.lastEventId).toBe('5');
  });

  it('joins data lines and names an untyped event message', () => {
    expect(new SseParser().feed('data: a\ndata: b\n\n')).toEqual([{ type: 'message', data: 'a\nb', id: '' }]);
  });
});
