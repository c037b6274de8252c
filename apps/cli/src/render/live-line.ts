/**
 * One status line that changes over time. On a terminal it is redrawn in place; anywhere
 * else (a log file, a pipe, CI) each change is printed as its own line and repeats are
 * dropped, so logs stay readable.
 */
import type { OutputStream } from '../io.js';

const CLEAR_TO_END = '\x1b[K';

export class LiveLine {
  private last: string | undefined;
  private drawn = false;

  constructor(
    private readonly out: OutputStream,
    private readonly notices: OutputStream = out,
  ) {}

  get interactive(): boolean {
    return this.out.isTTY === true;
  }

  update(line: string): void {
    if (line === this.last) return;
    this.last = line;
    if (this.interactive) {
      this.out.write(`\r${line}${CLEAR_TO_END}`);
      this.drawn = true;
    } else {
      this.out.write(`${line}\n`);
    }
  }

  /** Prints a message on its own line without garbling the live line, which is then redrawn below it. */
  notice(text: string): void {
    if (this.interactive && this.drawn) this.out.write(`\r${CLEAR_TO_END}`);
    this.notices.write(`${text}\n`);
    if (this.interactive && this.drawn && this.last !== undefined) this.out.write(`\r${this.last}${CLEAR_TO_END}`);
  }

  /** Leaves the last state on screen and moves below it. */
  finish(): void {
    if (this.interactive && this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}
