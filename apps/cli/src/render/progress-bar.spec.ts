import { describe, expect, it } from '@jest/globals';
import { formatPercent, renderBar, renderProgressLine, truncate } from './progress-bar.js';

describe('renderBar', () => {
  it('fills the share of cells that is done', () => {
    expect(renderBar(0, 10, 'ascii')).toBe('[----------]');
    expect(renderBar(0.5, 10, 'ascii')).toBe('[#####-----]');
    expect(renderBar(1, 10, 'ascii')).toBe('[##########]');
    expect(renderBar(0.5, 10)).toBe('[█████░░░░░]');
  });

  it('shows a partial cell in eighths on a unicode bar, always exactly width cells', () => {
    expect(renderBar(0.55, 10)).toBe('[█████▌░░░░]');
    expect(renderBar(0.28125, 8)).toBe('[██▎░░░░░]');
    for (let i = 0; i <= 1000; i++) {
      const bar = renderBar(i / 1000, 17);
      expect([...bar].length).toBe(19);
    }
  });

  it('clamps nonsense to an empty or full bar', () => {
    expect(renderBar(-1, 4, 'ascii')).toBe('[----]');
    expect(renderBar(7, 4, 'ascii')).toBe('[####]');
    expect(renderBar(Number.NaN, 4, 'ascii')).toBe('[----]');
  });
});

describe('formatPercent', () => {
  it('rounds down so only a finished job shows 100%', () => {
    expect(formatPercent(0)).toBe('  0%');
    expect(formatPercent(0.07)).toBe('  7%');
    expect(formatPercent(0.999)).toBe(' 99%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(0.29)).toBe(' 29%');
  });
});

describe('renderProgressLine', () => {
  it('shows bar, percent, status and phase', () => {
    expect(
      renderProgressLine({ status: 'running', progress: 0.4, phase: 'iteration 2/3: evaluating' }, { columns: 80, style: 'ascii' }),
    ).toBe('[############------------------]  40%  running  iteration 2/3: evaluating');
  });

  it('never reaches the last column, shrinking the bar and then cutting the phase', () => {
    const state = { status: 'running', progress: 0.5, phase: 'a very long phase description that goes on and on and on' };
    for (const columns of [20, 40, 60, 80, 120]) {
      const line = renderProgressLine(state, { columns });
      expect([...line].length).toBeLessThanOrEqual(columns - 1);
      expect(line).toContain(' 50%');
    }
    expect(renderProgressLine(state, { columns: 50 })).toMatch(/…$/);
  });
});

describe('truncate', () => {
  it('cuts with an ellipsis only when needed', () => {
    expect(truncate('abcdef', 6)).toBe('abcdef');
    expect(truncate('abcdefg', 6)).toBe('abcde…');
  });
});
