/**
 * Every benchmark `npm run bench` knows, in the order a full run takes them. A benchmark is
 * one module under scripts/bench/ exporting a Benchmark, added to this list.
 */
import { cancel } from './cancel.mjs';
import { lifecycle } from './lifecycle.mjs';
import { submit } from './submit.mjs';
import { trail } from './trail.mjs';

/**
 * @typedef {object} GoalVerdict
 * @property {string} benchmark
 * @property {string} goal      in words, with the threshold
 * @property {string} figure    what was measured, formatted
 * @property {string} [baseline]  the baseline's figure from the same run, formatted
 * @property {boolean | null} met  null: not measured (the figure says why)
 */

/**
 * What a benchmark gets from the runner.
 * @typedef {object} BenchContext
 * @property {(line: string) => void} log               progress, to stderr
 * @property {(table: import('./lib/table.mjs').Table) => void} table   prints a result table (stdout) and keeps it for --json
 * @property {(verdict: GoalVerdict) => void} goal      records a goal's verdict for the closing summary
 * @property {(cleanup: () => unknown) => void} defer   runs at the end of the benchmark, last deferred first, even when it fails
 * @property {ReturnType<typeof import('./lib/machine.mjs').describeMachine>} machine
 * @property {boolean} explicit   named on the command line (`npm run bench -- <name>`), not part of a run of all:
 *   a benchmark may then default to a larger size than fits the whole run's time
 */

/**
 * @typedef {object} Benchmark
 * @property {string} name        what `npm run bench -- <name>` selects
 * @property {string[]} aliases
 * @property {string} summary
 * @property {string[]} services  the apps it runs: they are built before measuring
 * @property {number} budgetS     a hard limit: past it the run is stopped and reported as failed
 * @property {(ctx: BenchContext) => Promise<void>} run   throws when the run itself went wrong (not when a goal is missed)
 */

/** @type {Benchmark[]} */
export const BENCHMARKS = [submit, lifecycle, cancel, trail];
