import type { Io } from '../../src/io.js';

export interface FakeIo extends Io {
  out(): string;
  err(): string;
  /** Presses Ctrl-C. */
  interrupt(): void;
  /** The questions asked at the terminal so far. */
  asked(): string[];
}

/**
 * An Io that records output; `tty` makes stdout look like a terminal `columns` wide.
 * `answers` puts a person at a terminal who types these lines, one per question (Ctrl-C
 * once they run out); without it standard input is not a terminal and no one can be asked.
 */
export function fakeIo(
  options: {
    env?: Record<string, string | undefined>;
    cwd?: string;
    tty?: boolean;
    columns?: number;
    stdin?: string;
    answers?: string[];
  } = {},
): FakeIo {
  let out = '';
  let err = '';
  const asked: string[] = [];
  const answers = options.answers ? [...options.answers] : undefined;
  const handlers = new Set<() => void>();
  return {
    stdout: { isTTY: options.tty ?? false, columns: options.columns ?? 80, write: (text: string) => (out += text) },
    stderr: { isTTY: options.tty ?? false, write: (text: string) => (err += text) },
    readStdin: async () => options.stdin ?? '',
    ask: answers
      ? async (question: string) => {
          asked.push(question);
          const answer = answers.shift();
          if (answer === undefined) throw new DOMException('no more answers', 'AbortError');
          return answer;
        }
      : undefined,
    env: options.env ?? {},
    cwd: options.cwd ?? '/',
    onInterrupt: (handler) => {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    now: () => new Date(),
    out: () => out,
    err: () => err,
    interrupt: () => handlers.forEach((handler) => handler()),
    asked: () => [...asked],
  };
}
