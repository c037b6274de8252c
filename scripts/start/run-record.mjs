/**
 * `.crux/npm-start.json`: which processes the running `npm start` owns (itself, the servers it
 * started, each service), so that a later npm start never runs beside them. Written as each
 * process starts, removed once everything stopped; a record whose processes are all gone is
 * stale (say, the machine rebooted) and ignored.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * @typedef {object} OwnedProcess
 * @property {string} name   `npm start`, `NATS`, `Redis`, or a service's name
 * @property {number} pid
 * @property {string} marker a string its command line holds, so a reused pid is not mistaken for it
 */

/**
 * @typedef {object} RunRecord
 * @property {string} url            the gateway's address
 * @property {string} started_at
 * @property {OwnedProcess[]} processes
 */

/** @param {string} root */
export function recordPath(root) {
  return join(root, '.crux', 'npm-start.json');
}

/**
 * @param {string} root
 * @returns {RunRecord | undefined}
 */
export function readRecord(root) {
  try {
    return JSON.parse(readFileSync(recordPath(root), 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * @param {string} root
 * @param {RunRecord} record
 */
export function writeRecord(root, record) {
  const path = recordPath(root);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(`${path}.tmp`, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

/** @param {string} root */
export function removeRecord(root) {
  rmSync(recordPath(root), { force: true });
}

/**
 * True when `pid` runs (a zombie does not: it has ended, only its parent has not reaped it) and
 * its command line holds `marker`.
 * @param {OwnedProcess} owned
 */
export function isRunning({ pid, marker }) {
  try {
    process.kill(pid, 0);
  } catch {
    // EPERM: it exists but is someone else's; not ours to report.
    return false;
  }
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync(cmdline)) return true;
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    if (state === 'Z') return false;
    return readFileSync(cmdline, 'utf8').split('\0').join(' ').includes(marker);
  } catch {
    return false;
  }
}

/**
 * What a previous npm start left running, and what to do about it; undefined when nothing is.
 * @param {RunRecord | undefined} record
 * @param {(owned: OwnedProcess) => boolean} [running]
 * @returns {string | undefined}
 */
export function leftoverProblem(record, running = isRunning) {
  if (!record) return undefined;
  const alive = record.processes.filter(running);
  if (alive.length === 0) return undefined;
  const supervisor = alive.find((owned) => owned.name === 'npm start');
  const list = alive
    .filter((owned) => owned !== supervisor)
    .map((owned) => `${owned.name} (pid ${owned.pid})`)
    .join(', ');
  if (supervisor) {
    return (
      `npm start is already running here (pid ${supervisor.pid}, since ${record.started_at}, at ${record.url}). ` +
      `Stop it first: Ctrl-C in its terminal, or \`kill ${supervisor.pid}\`.`
    );
  }
  return (
    `a previous npm start (since ${record.started_at}) ended without stopping everything; still running: ${list}. ` +
    `Stop them with \`kill ${alive.map((owned) => owned.pid).join(' ')}\`, then start again.`
  );
}
