import { describe, expect, it } from '@jest/globals';
import { comesAfter, decodeCursor, encodeCursor } from './list-cursor.js';

describe('list cursors', () => {
  it('round-trips a position through an opaque url-safe string', () => {
    const position = { score: 1893553445678, id: '0b6f7f4e-8a53-4c4e-9d61-3c1d2f1a0001' };
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  it.each([
    '',
    'not a cursor!',
    Buffer.from('abc:').toString('base64url'),
    Buffer.from('12x:id').toString('base64url'),
    Buffer.from(':id').toString('base64url'),
  ])('refuses %p', (cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
  });

  it('orders newest first, then by id descending within one millisecond', () => {
    const position = { score: 100, id: 'm' };
    expect(comesAfter(99, 'z', position)).toBe(true);
    expect(comesAfter(101, 'a', position)).toBe(false);
    expect(comesAfter(100, 'a', position)).toBe(true);
    expect(comesAfter(100, 'm', position)).toBe(false);
    expect(comesAfter(100, 'n', position)).toBe(false);
  });
});
