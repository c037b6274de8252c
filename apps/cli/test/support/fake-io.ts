import type { Io } from '../../src/io.js';

export interface FakeIo extends Io {
  out(): string;
  err(): string;
  /** Presses Ctrl-C. */
  interrupt(): void;
}

/** An Io that records output; `tty` makes stdout look like a terminal `columns` wide. */
export function fakeIo(options: { env?: Record<string, string | undefined>; cwd?: string; tty?: boolean; columns?: number; stdin?: string } = {}): FakeIo {
  let out = '';
  let err = '';
  const handlers = new Set<() => void>();
  return {
    stdout: { isTTY: options.tty ?? false, columns: options.columns ?? 80, write: (text: string) => (out += text) },
    stderr: { isTTY: options.tty ?? false, write: (text: string) => (err += text) },
    readStdin: async () => options.stdin ?? '',
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
  };
}
