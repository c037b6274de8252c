/**
 * Splits a child's output into whole lines (chunks break anywhere) so each line can be
 * prefixed with the service's name, and watched for its ready line.
 */
export class LineSplitter {
  /** @param {(line: string) => void} onLine */
  constructor(onLine) {
    this.onLine = onLine;
    this.partial = '';
  }

  /** @param {string} chunk */
  push(chunk) {
    const lines = (this.partial + chunk).split(/\r?\n/);
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.onLine(line);
  }

  /** Emits a last line that had no newline. */
  flush() {
    if (this.partial) this.onLine(this.partial);
    this.partial = '';
  }
}

const COLOURS = [36, 35, 33, 32, 34, 31];

/**
 * `gateway   │ text`, names padded to one width; coloured on a terminal unless NO_COLOR is set.
 * @param {string} name
 * @param {number} width
 * @param {number} index which colour
 * @param {boolean} colour
 */
export function makePrefix(name, width, index, colour) {
  const label = `${name.padEnd(width)} │ `;
  return colour ? `\x1b[${COLOURS[index % COLOURS.length]}m${label}\x1b[0m` : label;
}
