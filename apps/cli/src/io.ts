import { createInterface } from 'node:readline';

/**
 * Everything a command touches outside itself. Commands never use `process` directly, so
 * tests run them in-process with captured output, any environment and a fake terminal.
 */
export interface OutputStream {
  write(text: string): unknown;
  /** True when a person is looking at it: progress is then redrawn in place. */
  isTTY?: boolean;
  columns?: number;
}

export interface Io {
  stdout: OutputStream;
  stderr: OutputStream;
  /** Reads all of standard input (for `submit -`). */
  readStdin(): Promise<string>;
  /**
   * Asks the person at the terminal and resolves with the line typed ('' on Ctrl-D); rejects
   * with an AbortError on Ctrl-C. Absent when standard input is not a terminal: a pipe or a
   * file cannot confirm anything, so commands that need a person refuse instead.
   */
  ask?: (question: string) => Promise<string>;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Calls `handler` on Ctrl-C (SIGINT) until the returned function is called. */
  onInterrupt(handler: () => void): () => void;
  now(): Date;
}

export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    ask: process.stdin.isTTY ? askTerminal : undefined,
    env: process.env,
    cwd: process.cwd(),
    onInterrupt: (handler) => {
      process.on('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
    now: () => new Date(),
  };
}

function askTerminal(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // The question goes to stderr, so stdout stays clean for whatever it is piped into.
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: process.stderr.isTTY === true });
    let settled = false;
    rl.on('SIGINT', () => {
      settled = true;
      rl.close();
      process.stderr.write('\n');
      reject(new DOMException('interrupted at the prompt', 'AbortError'));
    });
    rl.on('close', () => {
      if (!settled) resolve('');
    });
    rl.question(question, (answer) => {
      settled = true;
      rl.close();
      resolve(answer);
    });
  });
}
