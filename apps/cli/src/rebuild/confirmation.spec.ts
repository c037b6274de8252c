import { describe, expect, it } from '@jest/globals';
import { confirmRebuild, isYes, REBUILD_QUESTION } from './confirmation.js';

describe('rebuild-state confirmation', () => {
  it('takes y or yes in any case, with spaces around, as yes', () => {
    for (const typed of ['y', 'Y', 'yes', 'YES', ' Yes ']) expect({ typed, yes: isYes(typed) }).toEqual({ typed, yes: true });
  });

  it('takes anything else as no: empty, n, a typo, a sentence', () => {
    for (const typed of ['', 'n', 'no', 'ye', 'yess', 'y please', '1']) expect({ typed, yes: isYes(typed) }).toEqual({ typed, yes: false });
  });

  it('confirms without asking when --yes was given', async () => {
    const asked: string[] = [];
    const answer = await confirmRebuild({ yes: true, ask: async (q) => (asked.push(q), 'n') });
    expect(answer).toEqual({ kind: 'confirmed', by: 'yes-flag' });
    expect(asked).toEqual([]);
  });

  it('cannot confirm with no terminal to ask', async () => {
    expect(await confirmRebuild({ yes: false })).toEqual({ kind: 'no-terminal' });
  });

  it('asks y/N and reports what was typed when it is not yes', async () => {
    const asked: string[] = [];
    expect(await confirmRebuild({ yes: false, ask: async (q) => (asked.push(q), 'y') })).toEqual({ kind: 'confirmed', by: 'answered-yes' });
    expect(await confirmRebuild({ yes: false, ask: async () => 'nope' })).toEqual({ kind: 'declined', typed: 'nope' });
    expect(asked).toEqual([REBUILD_QUESTION]);
    expect(REBUILD_QUESTION).toMatch(/\[y\/N\] $/);
  });
});
