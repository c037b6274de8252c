/**
 * Benchmarks measure the built services (apps/<name>/dist), so they build first: figures of
 * a stale dist would describe code that is no longer there. Nx's cache makes this quick when
 * nothing changed.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @param {string} root
 * @param {string[]} services
 */
export function missingBuilds(root, services) {
  const wanted = [...services.map((s) => join('apps', s, 'dist', 'main.js')), join('libs', 'test-harness', 'dist', 'index.js')];
  return wanted.filter((path) => !existsSync(join(root, path)));
}

/**
 * Runs `nx run-many -t build` for the services (and, through ^build, the libraries they
 * use). Resolves with the build's output; rejects with it when the build fails or hangs.
 * @param {string} root
 * @param {string[]} services
 * @param {number} [timeoutMs]
 */
export function build(root, services, timeoutMs = 600_000) {
  return runNxBuild(root, ['test-harness', ...services], timeoutMs);
}

/**
 * Builds the libraries the benchmark scripts themselves import (a fresh checkout has no
 * dist/ yet, and the scripts are loaded before the services are built).
 * @param {string} root
 */
export function buildLibraries(root) {
  return runNxBuild(root, ['test-harness', 'contracts', 'messaging']);
}

/**
 * @param {string} root
 * @param {string[]} projects
 * @param {number} [timeoutMs]
 */
function runNxBuild(root, projects, timeoutMs = 600_000) {
  const args = ['nx', 'run-many', '-t', 'build', '-p', ...projects, '--outputStyle=static'];
  return new Promise((resolve, reject) => {
    const child = spawn('npx', args, {
      cwd: root,
      env: { ...process.env, CI: 'true', NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`npx ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${output.split('\n').slice(-40).join('\n')}`));
    });
  });
}
