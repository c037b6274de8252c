/**
 * The one table printer of the benchmarks. Tables come out as aligned Markdown, so what a
 * run prints can be pasted into BENCHMARKS.md as it is.
 */

/**
 * @typedef {object} Table
 * @property {string} title
 * @property {string[]} columns
 * @property {Array<Array<string | number>>} rows  cells already formatted (numbers are right-aligned)
 * @property {string[]} [notes]  lines printed under the table
 */

/**
 * @param {Table} table
 * @returns {string}
 */
export function renderTable({ title, columns, rows, notes = [] }) {
  const cells = rows.map((row) => row.map((cell) => String(cell)));
  const widths = columns.map((header, i) => Math.max(header.length, ...cells.map((row) => (row[i] ?? '').length)));
  // A column of figures (units after the number are fine) is right-aligned.
  const figure = (/** @type {string} */ cell) => /^[<>≤≥~]?\s*-?\d/.test(cell) || ['n/a', 'unfinished', '—'].includes(cell);
  const numeric = columns.map((_, i) => i > 0 && cells.some((row) => row[i]) && cells.every((row) => !row[i] || figure(row[i])));
  const line = (/** @type {string[]} */ row) =>
    `| ${row.map((cell, i) => (numeric[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [`### ${title}`, '', line(columns), rule, ...cells.map(line), ...(notes.length ? ['', ...notes] : []), ''].join('\n');
}

/**
 * @param {Table} table
 * @param {{ write(text: string): unknown }} [out]
 */
export function printTable(table, out = process.stdout) {
  out.write(`\n${renderTable(table)}\n`);
}

/**
 * @param {number} value
 * @param {number} [digits]
 */
export function num(value, digits = 0) {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'n/a' : 'unfinished';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/**
 * Milliseconds with a precision that suits the size.
 * @param {number} value
 */
export function ms(value) {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'n/a' : 'unfinished';
  return `${num(value, value < 10 ? 2 : value < 100 ? 1 : 0)} ms`;
}

/** @param {number} value */
export function times(value) {
  if (!Number.isFinite(value)) return 'n/a';
  return `${value >= 100 ? num(value, 0) : value.toFixed(value >= 10 ? 1 : 2)}×`;
}

/** @param {number} bytes */
export function mib(bytes) {
  return Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : 'n/a';
}

/** @param {number} fraction  1 = one whole core */
export function cores(fraction) {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(0)}%` : 'n/a';
}
