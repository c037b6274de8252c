import { describe, expect, it } from '@jest/globals';
import { parseLastEventId, ReplayCursor } from './replay-cursor.js';

describe('ReplayCursor', () => {
  it('sends everything to a new client and knows when the job has ended', () => {
    const cursor = new ReplayCursor(null);
    expect(cursor.step({ seq: 3, type: 'created' })).toBe(true);
    expect(cursor.ended).toBe(false);
    expect(cursor.step({ seq: 9, type: 'completed' })).toBe(true);
    expect(cursor.ended).toBe(true);
    expect(cursor.nothingNew).toBe(false);
  });

  it('skips what a resuming client has seen, still noticing the end among it', () => {
    const cursor = new ReplayCursor(9);
    expect(cursor.step({ seq: 3, type: 'created' })).toBe(false);
    expect(cursor.step({ seq: 9, type: 'cancel' })).toBe(false);
    expect(cursor.ended).toBe(true);
    expect(cursor.nothingNew).toBe(true);
    expect(cursor.step({ seq: 10, type: 'revoked' })).toBe(true);
    expect(cursor.nothingNew).toBe(false);
  });

  it.each(['completed', 'failed', 'cancel'])('treats %s as the end', (type) => {
    const cursor = new ReplayCursor(null);
    cursor.step({ seq: 1, type });
    expect(cursor.ended).toBe(true);
  });

  it.each(['created', 'started', 'progress', 'revoked', 'revoke_unconfirmed'])('does not treat %s as the end', (type) => {
    const cursor = new ReplayCursor(null);
    cursor.step({ seq: 1, type });
    expect(cursor.ended).toBe(false);
  });

  it('can start out knowing the job has ended', () => {
    expect(new ReplayCursor(null, true).ended).toBe(true);
  });
});

describe('parseLastEventId', () => {
  it.each([
    [undefined, null],
    ['', null],
    ['0', 0],
    ['42', 42],
    [' 42 ', 42],
    ['abc', 'invalid'],
    ['-1', 'invalid'],
    ['4.2', 'invalid'],
    [['1', '2'], 'invalid'],
  ])('reads %j as %j', (header, expected) => {
    expect(parseLastEventId(header)).toBe(expected);
  });
});
