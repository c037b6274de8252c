import { describe, expect, it } from '@jest/globals';
import { SseParser, type SseEvent } from './parser.js';

const STREAM =
  ': connected\n' +
  'retry: 2500\n' +
  'id: 1\r\n' +
  'event: created\r\n' +
  'data: {"type":"created"}\r\n' +
  '\r\n' +
  'id: 2\n' +
  'event: progress\n' +
  'data: line one\n' +
  'data:line two\n' +
  'data:  indented\n' +
  '\n' +
  ': heartbeat\n\n' +
  'id: 3\r' +
  'event: completed\r' +
  'data: done\r' +
  '\r';

const EXPECTED: SseEvent[] = [
  { type: 'created', data: '{"type":"created"}', id: '1' },
  { type: 'progress', data: 'line one\nline two\n indented', id: '2' },
  { type: 'completed', data: 'done', id: '3' },
];

function parseInChunks(text: string, sizes: number[]): SseEvent[] {
  const parser = new SseParser();
  const events: SseEvent[] = [];
  let offset = 0;
  let i = 0;
  while (offset < text.length) {
    const size = sizes[i++ % sizes.length];
    events.push(...parser.feed(text.slice(offset, offset + size)));
    offset += size;
  }
  return events;
}

describe('SseParser', () => {
  it('parses a stream fed in one piece: ids, named events, multi-line data, comments, all three line endings', () => {
    const parser = new SseParser();
    expect(parser.feed(STREAM)).toEqual(EXPECTED);
    expect(parser.lastEventId).toBe('3');
    expect(parser.retryMs).toBe(2500);
  });

  it('gives the same events however the stream is split into chunks', () => {
    for (const sizes of [[1], [2], [3], [5, 1], [7, 2, 1], [13], [64]]) {
      expect(parseInChunks(STREAM, sizes)).toEqual(EXPECTED);
    }
  });

  it('splits every possible way into two chunks, including between the CR and LF of one line ending', () => {
    for (let cut = 0; cut <= STREAM.length; cut++) {
      const parser = new SseParser();
      const events = [...parser.feed(STREAM.slice(0, cut)), ...parser.feed(STREAM.slice(cut))];
      expect(events).toEqual(EXPECTED);
    }
  });

  it('does not treat an LF after a CR-ended chunk as an empty line', () => {
    const parser = new SseParser();
    expect(parser.feed('data: a\r')).toEqual([]);
    // Were the LF read as a second line ending, the event would be dispatched here.
    expect(parser.feed('\n')).toEqual([]);
    expect(parser.feed('data: b\n\n')).toEqual([{ type: 'message', data: 'a\nb', id: '' }]);
  });

  it('keeps the last id for later events that carry none, and starts from the id it is given', () => {
    const parser = new SseParser('41');
    expect(parser.feed('data: x\n\nid: 42\ndata: y\n\ndata: z\n\n')).toEqual([
      { type: 'message', data: 'x', id: '41' },
      { type: 'message', data: 'y', id: '42' },
      { type: 'message', data: 'z', id: '42' },
    ]);
  });

  it('does not dispatch an event with no data, and resets the event name after it', () => {
    const parser = new SseParser();
    expect(parser.feed('event: progress\nid: 5\n\ndata: after\n\n')).toEqual([{ type: 'message', data: 'after', id: '5' }]);
  });

  it('dispatches an empty data line as an event with empty data', () => {
    expect(new SseParser().feed('data\n\ndata:\n\n')).toEqual([
      { type: 'message', data: '', id: '' },
      { type: 'message', data: '', id: '' },
    ]);
  });

  it('ignores unknown fields, a non-numeric retry, and an id containing NUL', () => {
    const parser = new SseParser();
    expect(parser.feed('foo: bar\nretry: soon\nid: a\0b\ndata: d\n\n')).toEqual([{ type: 'message', data: 'd', id: '' }]);
    expect(parser.retryMs).toBeUndefined();
  });

  it('drops a byte-order mark at the start of the stream only', () => {
    const parser = new SseParser();
    expect(parser.feed('\ufeffdata: one\n\n')).toEqual([{ type: 'message', data: 'one', id: '' }]);
    expect(parser.feed('data: \ufefftwo\n\n')).toEqual([{ type: 'message', data: '\ufefftwo', id: '' }]);
  });

  it('counts an id only once its event is complete, so a reconnect resumes from the last whole event', () => {
    const parser = new SseParser();
    parser.feed('id: 1\ndata: one\n\nid: 2\nevent: progress\nda');
    expect(parser.lastEventId).toBe('1');
    parser.feed('ta: two\n\n');
    expect(parser.lastEventId).toBe('2');
    // A block with an id and no data dispatches nothing but still moves the id on.
    parser.feed('id: 3\n\n');
    expect(parser.lastEventId).toBe('3');
  });

  it('holds an unfinished event until its blank line arrives', () => {
    const parser = new SseParser();
    expect(parser.feed('id: 9\nevent: completed\ndata: {"a"')).toEqual([]);
    expect(parser.feed(':1}\n')).toEqual([]);
    expect(parser.feed('\n')).toEqual([{ type: 'completed', data: '{"a":1}', id: '9' }]);
  });
});
