/**
 * The progress bar of `watch` (and later `purge`) as pure string functions, so what a
 * person sees is tested without a terminal.
 */
export type BarStyle = 'unicode' | 'ascii';

const CELLS: Record<BarStyle, { full: string; empty: string; partial: readonly string[] }> = {
  // Eighth blocks make a slowly moving job visibly move on a narrow bar.
  unicode: { full: '█', empty: '░', partial: ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'] },
  ascii: { full: '#', empty: '-', partial: [''] },
};

/** Clamps to 0..1; anything that is not a finite number counts as no progress. */
export function clampFraction(fraction: number): number {
  if (!Number.isFinite(fraction)) return 0;
  return Math.min(1, Math.max(0, fraction));
}

/** `[████▌░░░░░]`: exactly `width` cells between the brackets. */
export function renderBar(fraction: number, width: number, style: BarStyle = 'unicode'): string {
  const cells = CELLS[style];
  const cellCount = Math.max(1, Math.floor(width));
  const exact = clampFraction(fraction) * cellCount;
  const full = Math.floor(exact);
  const eighths = Math.floor((exact - full) * cells.partial.length);
  const partial = full < cellCount ? (cells.partial[eighths] ?? '') : '';
  const empty = cellCount - full - (partial ? 1 : 0);
  return `[${cells.full.repeat(full)}${partial}${cells.empty.repeat(empty)}]`;
}

/** Whole percent, rounded down so a job shows 100% only when it is done; padded to 4 characters. */
export function formatPercent(fraction: number): string {
  return `${Math.floor(clampFraction(fraction) * 100 + 1e-9)}%`.padStart(4);
}

export interface ProgressLineState {
  status: string;
  progress: number;
  phase: string | null;
}

/**
 * `[████░░░░]  40%  running  iteration 2/3: evaluating`, fitted to `columns` so it never
 * wraps (a wrapped line cannot be redrawn in place): the bar shrinks first, then the phase
 * is cut with an ellipsis.
 */
export function renderProgressLine(state: ProgressLineState, options: { columns?: number; style?: BarStyle } = {}): string {
  const columns = Math.max(20, options.columns ?? 80);
  const style = options.style ?? 'unicode';
  const tail = `${formatPercent(state.progress)}  ${state.status}${state.phase ? `  ${state.phase}` : ''}`;
  // Leave the last column free: some terminals wrap when a line fills it exactly.
  const room = columns - 1;
  const barWidth = Math.max(10, Math.min(30, room - 2 - 1 - tail.length));
  const line = `${renderBar(state.progress, barWidth, style)} ${tail}`;
  return truncate(line, room);
}

export function truncate(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  return `${chars
    .slice(0, Math.max(0, max - 1))
    .join('')
    .trimEnd()}…`;
}
