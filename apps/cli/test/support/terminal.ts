/**
 * What a terminal shows after `text` was written to it: enough of one to check that lines
 * redrawn in place (`\r`, erase to end of line `ESC[K`) leave no debris.
 */
export function screenOf(text: string): string[] {
  const lines: string[][] = [[]];
  let row = 0;
  let col = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\x1b' && text.startsWith('\x1b[K', i)) {
      lines[row].length = Math.min(lines[row].length, col);
      i += 2;
    } else if (ch === '\r') {
      col = 0;
    } else if (ch === '\n') {
      row++;
      col = 0;
      lines[row] ??= [];
    } else {
      while (lines[row].length < col) lines[row].push(' ');
      lines[row][col++] = ch;
    }
  }
  return lines.map((line) => line.join(''));
}
