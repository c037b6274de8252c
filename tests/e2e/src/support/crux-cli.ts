/** Runs the built `crux` command against a running system, as the README tells users to. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { workspaceRoot, type CruxSystem } from '@crux/test-harness';

export interface CruxRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `crux <args>` with the API key `key` and any extra environment (CRUX_POLL_MS …); standard
 * input is not a terminal, as in a script. Resolves once it exits, with all it printed.
 */
export function crux(system: CruxSystem, args: string[], key: string, env: Record<string, string> = {}): Promise<CruxRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(workspaceRoot(), 'apps/cli/bin/crux.js'), ...args], {
      env: { ...process.env, NODE_OPTIONS: '', CRUX_URL: system.url, CRUX_API_KEY: key, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
