/** Plain-text tables: left-aligned columns, two spaces apart, long cells cut with an ellipsis. */
import { truncate } from '../render/progress-bar.js';

export interface Column {
  header: string;
  /** Longest cell before it is cut. */
  maxWidth?: number;
  align?: 'left' | 'right';
}

export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const cells = rows.map((row) => columns.map((column, i) => truncate(oneLine(row[i] ?? ''), column.maxWidth ?? Infinity)));
  const widths = columns.map((column, i) => Math.max(width(column.header), ...cells.map((row) => width(row[i]))));
  const render = (row: readonly string[]) =>
    row
      .map((cell, i) => (columns[i].align === 'right' ? pad(cell, widths[i], 'left') : pad(cell, widths[i], 'right')))
      .join('  ')
      .trimEnd();
  return [render(columns.map((column) => column.header.toUpperCase())), ...cells.map(render)].join('\n');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function width(text: string): number {
  return [...text].length;
}

function pad(text: string, to: number, side: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, to - width(text)));
  return side === 'left' ? fill + text : text + fill;
}
