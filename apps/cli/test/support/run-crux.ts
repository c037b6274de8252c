import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built command, exactly as `npx crux` runs it. */
export const CRUX_BIN = fileURLToPath(new URL('../../bin/crux.js', import.meta.url));

export interface CruxRun {
  child: ChildProcess;
  /** Resolves when it exits. */
  result: Promise<{ code: number | null; stdout: string; stderr: string }>;
  stdout(): string;
}

/** Runs `node bin/crux.js ...args` with only the environment given (plus PATH). */
export function runCrux(args: string[], options: { env?: Record<string, string>; cwd?: string; input?: string } = {}): CruxRun {
  const child = spawn(process.execPath, [CRUX_BIN, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin?.end(options.input ?? '');
  const result = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, result, stdout: () => stdout };
}

export interface TerminalRun {
  child: ChildProcess;
  /** Everything the terminal showed so far (stdout and stderr together, with the pty's \r\n). */
  screen(): string;
  /** Types on the terminal's keyboard. */
  type(text: string): void;
  result: Promise<{ code: number | null; screen: string }>;
}

/**
 * Runs the built command with a real pseudo-terminal as its stdin, stdout and stderr, via
 * util-linux `script` (part of every Debian install): what an operator at a terminal sees
 * and types, which a pipe cannot stand in for since crux refuses to confirm from a pipe.
 */
export function runCruxInTerminal(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): TerminalRun {
  const command = [process.execPath, CRUX_BIN, ...args].map(shellQuote).join(' ');
  const child = spawn('script', ['--quiet', '--flush', '--return', '--command', command, '/dev/null'], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', TERM: 'xterm', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (screen += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (screen += chunk));
  const result = new Promise<{ code: number | null; screen: string }>((resolve) =>
    child.once('close', (code) => {
      resolve({ code, screen });
    }),
  );
  return { child, screen: () => screen, type: (text) => child.stdin?.write(text), result };
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
