#!/usr/bin/env node
/**
 * `node scripts/bench/profiling/summary.mjs <file.cpuprofile>…`: where a process spent its
 * CPU — self time by package (or workspace project) and the top functions, idle excluded.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** @param {string} url */
function ownerOf(url) {
  if (!url) return '(native / V8)';
  const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return url.startsWith('node:internal') ? 'node:internal' : url;
  const project = /\/(apps|libs)\/([^/]+)\/dist\/([^/]+)/.exec(url);
  if (project) return `${project[1]}/${project[2]}/${project[3]}`;
  return url;
}

for (const file of process.argv.slice(2)) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((/** @type {any} */ n) => [n.id, n]));
  /** @type {Map<number, number>} */
  const self = new Map();
  profile.samples.forEach((/** @type {number} */ id, /** @type {number} */ i) =>
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );
  /** @type {Map<string, number>} */
  const byOwner = new Map();
  /** @type {Map<string, number>} */
  const byFunction = new Map();
  let busy = 0;
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    if (functionName === '(idle)') continue;
    busy += us;
    const owner = functionName === '(garbage collector)' ? '(gc)' : functionName === '(program)' ? '(program)' : ownerOf(url);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + us);
    const fn = `${functionName || '(anonymous)'}  ${owner}:${lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  }
  const top = (/** @type {Map<string, number>} */ m, /** @type {number} */ n) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `  ${((us / busy) * 100).toFixed(1).padStart(5)}%  ${k}`);
  process.stdout.write(
    [
      `${basename(file)}: ${(busy / 1e6).toFixed(1)} s of CPU sampled`,
      'by package / project:',
      ...top(byOwner, 12),
      'top functions (self time):',
      ...top(byFunction, 15),
      '',
    ].join('\n') + '\n',
  );
}
