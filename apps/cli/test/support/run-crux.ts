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
