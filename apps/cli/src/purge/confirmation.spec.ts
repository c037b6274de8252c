import { describe, expect, it } from '@jest/globals';
import { CONFIRM_QUESTION, confirmPurge, isCountTyped } from './confirmation.js';

function terminal(...typed: string[]) {
  const asked: string[] = [];
  return {
    asked,
    ask: async (question: string) => {
      asked.push(question);
      return typed.shift() ?? '';
    },
  };
}

describe('the typed confirmation of a purge', () => {
  it('proceeds when the exact count is typed, with or without thousands separators', async () => {
    const person = terminal('1234');
    expect(await confirmPurge(1234, { yes: false, ask: person.ask })).toEqual({ kind: 'confirmed', by: 'typed-count' });
    expect(person.asked).toEqual([CONFIRM_QUESTION]);
    expect(await confirmPurge(1234, { yes: false, ask: terminal(' 1,234 ').ask })).toEqual({ kind: 'confirmed', by: 'typed-count' });
  });

  it('aborts on anything else: another number, yes, an empty line or Ctrl-D', async () => {
    for (const typed of ['1233', '12345', 'y', 'yes', '', '1234 jobs', '1.234']) {
      expect(await confirmPurge(1234, { yes: false, ask: terminal(typed).ask })).toEqual({ kind: 'declined', typed });
    }
  });

  it('asks nothing with --yes', async () => {
    const person = terminal('0');
    expect(await confirmPurge(5, { yes: true, ask: person.ask })).toEqual({ kind: 'confirmed', by: 'yes-flag' });
    expect(await confirmPurge(5, { yes: true })).toEqual({ kind: 'confirmed', by: 'yes-flag' });
    expect(person.asked).toEqual([]);
  });

  it('refuses when there is no terminal to ask and no --yes', async () => {
    expect(await confirmPurge(5, { yes: false })).toEqual({ kind: 'no-terminal' });
  });

  it('compares the count exactly', () => {
    expect(isCountTyped('7', 7)).toBe(true);
    expect(isCountTyped('07', 7)).toBe(false);
    expect(isCountTyped('1000', 1000)).toBe(true);
    expect(isCountTyped('1,000', 1000)).toBe(true);
    expect(isCountTyped('1000', 100)).toBe(false);
  });
});
