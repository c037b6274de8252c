#!/usr/bin/env node
/**
 * `node scripts/bench/profiling/tree.mjs <file.cpuprofile> [min %] [depth]`: the call tree
 * with inclusive time, idle excluded, pruned below `min` percent (default 1) — what summary.mjs
 * cannot say: which request step a self-time item belongs to (a `writeBuffer` under the NATS
 * flush or under the HTTP answer, a hash under authentication).
 *
 * The inspector samples wall-clock time while the thread is not idle, so a frame that enters
 * the kernel (a socket write, which on loopback also wakes the reader) is charged for the time
 * the process was preempted there too: on a busy machine such frames look several times larger
 * than their share of the process's CPU. Weigh them against the process's system time
 * (/proc/<pid>/stat), not against the JavaScript frames beside them.
 */
import { readFileSync } from 'node:fs';

/**
 * @typedef {object} ProfileNode
 * @property {number} id
 * @property {{ functionName: string, url: string, lineNumber: number }} callFrame
 * @property {number[]} [children]
 */

const [file, minArg, depthArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: tree.mjs <file.cpuprofile> [min %] [depth]\n');
  process.exit(2);
}
const minPct = Number(minArg ?? 1);
const maxDepth = Number(depthArg ?? 40);

const profile = JSON.parse(readFileSync(file, 'utf8'));
/** @type {Map<number, ProfileNode>} */
const nodes = new Map(profile.nodes.map((/** @type {ProfileNode} */ n) => [n.id, n]));
/** @type {Map<number, number>} */
const self = new Map();
profile.samples.forEach((/** @type {number} */ id, /** @type {number} */ i) =>
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
);

/** @type {Map<number, number>} */
const inclusive = new Map();
/** @param {number} id */
function sum(id) {
  const node = /** @type {ProfileNode} */ (nodes.get(id));
  if (node.callFrame.functionName === '(idle)') return 0;
  let total = self.get(id) ?? 0;
  for (const child of node.children ?? []) total += sum(child);
  inclusive.set(id, total);
  return total;
}
const busy = sum(profile.nodes[0].id);

/** @param {number} us */
const pct = (us) => `${((us / busy) * 100).toFixed(1).padStart(5)}%`;

/** @type {string[]} */
const lines = [];
/**
 * @param {number} id
 * @param {number} depth
 */
function show(id, depth) {
  const total = inclusive.get(id) ?? 0;
  if ((total / busy) * 100 < minPct || depth > maxDepth) return;
  const node = /** @type {ProfileNode} */ (nodes.get(id));
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? ` ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}` : '';
  lines.push(`${pct(total)} ${pct(self.get(id) ?? 0)} ${'  '.repeat(depth)}${functionName || '(anonymous)'}${where}`);
  const children = [...(node.children ?? [])];
  for (const child of children.sort((a, b) => (inclusive.get(b) ?? 0) - (inclusive.get(a) ?? 0))) show(child, depth + 1);
}
lines.push(`${file}: ${(busy / 1e6).toFixed(1)} s sampled; inclusive %, self %, call path`);
show(profile.nodes[0].id, 0);
process.stdout.write(lines.join('\n') + '\n');
