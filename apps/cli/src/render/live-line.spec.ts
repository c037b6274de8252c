import { describe, expect, it } from '@jest/globals';
import { screenOf } from '../../test/support/terminal.js';
import { LiveLine } from './live-line.js';

function capture(isTTY: boolean) {
  let text = '';
  return { stream: { isTTY, columns: 80, write: (chunk: string) => (text += chunk) }, text: () => text };
}

describe('LiveLine', () => {
  it('redraws one line in place on a terminal and ends below it', () => {
    const out = capture(true);
    const live = new LiveLine(out.stream);
    live.update('10% a long first phase');
    live.update('20% short');
    live.finish();
    expect(screenOf(out.text())).toEqual(['20% short', '']);
  });

  it('prints each change on its own line elsewhere, and skips repeats', () => {
    const out = capture(false);
    const live = new LiveLine(out.stream);
    live.update('10% a');
    live.update('10% a');
    live.update('20% b');
    live.finish();
    expect(out.text()).toBe('10% a\n20% b\n');
  });

  it('puts a notice above the live line on a terminal without garbling it', () => {
    const out = capture(true);
    const live = new LiveLine(out.stream);
    live.update('30% working on something long');
    live.notice('reconnecting');
    live.update('40% next');
    live.finish();
    expect(screenOf(out.text())).toEqual(['reconnecting', '40% next', '']);
  });
});
