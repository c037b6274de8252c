/**
 * CPU time and memory of processes, read from Linux's /proc: where the time goes and how
 * much memory each service needs, without instrumenting the services.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on Linux x86-64 and arm64). */
const TICKS_PER_S = 100;

/**
 * User + system CPU seconds the process has used so far; NaN once it is gone.
 * @param {number} pid
 */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
  } catch {
    return Number.NaN;
  }
}

/**
 * Resident memory now and its high-water mark, in bytes; NaN once the process is gone.
 * @param {number} pid
 * @returns {{ rss: number, hwm: number }}
 */
export function memory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (/** @type {string} */ name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
  } catch {
    return { rss: Number.NaN, hwm: Number.NaN };
  }
}

/**
 * Resets the process's RSS high-water mark (VmHWM) to its current RSS, so a later VmHWM is
 * the peak of the measured window only. Returns false where the kernel does not allow it.
 * @param {number} pid
 */
export function resetPeakRss(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * Direct children of a process (the worker's pool children).
 * @param {number} pid
 * @returns {number[]}
 */
export function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * @typedef {object} Watched
 * @property {string} label
 * @property {() => number[]} pids  the processes counted under this label (a service and its children)
 */

/**
 * @typedef {object} UsageRow
 * @property {string} label
 * @property {number} processes   how many processes were counted
 * @property {number} cpuS        CPU seconds used in the window
 * @property {number} cpuShare    cpuS ÷ wall seconds (1 = one whole core)
 * @property {number} wallS       the window's length
 * @property {number} peakRss     bytes: the largest single process's peak (VmHWM after a reset, or the sampled maximum)
 * @property {number} peakRssSum  bytes: the sampled peak of the label's processes together
 */

/**
 * Watches CPU and memory of labelled groups of processes over one window: CPU is the
 * difference of /proc times between start and stop; peak RSS is VmHWM (reset at start) and,
 * as a cross-check and for processes that come and go, RSS sampled every `sampleMs`.
 */
export class UsageWindow {
  /**
   * @param {Watched[]} watched
   * @param {{ sampleMs?: number, resetPeak?: boolean }} [options]  resetPeak: false when another window is measuring peaks over a longer span
   */
  constructor(watched, { sampleMs = 100, resetPeak = true } = {}) {
    this.watched = watched;
    this.sampleMs = sampleMs;
    this.resetPeak = resetPeak;
    /** @type {Map<string, { cpu0: Map<number, number>, peak: Map<number, number>, peakSum: number, cpuSeen: Map<number, number> }>} */
    this.state = new Map();
    /** @type {NodeJS.Timeout | undefined} */
    this.timer = undefined;
    this.t0 = 0;
    this.wallS = 0;
  }

  start() {
    for (const { label, pids } of this.watched) {
      const cpu0 = new Map();
      for (const pid of pids()) {
        cpu0.set(pid, cpuSeconds(pid));
        if (this.resetPeak) resetPeakRss(pid);
      }
      this.state.set(label, { cpu0, peak: new Map(), peakSum: 0, cpuSeen: new Map(cpu0) });
    }
    this.t0 = performance.now();
    this.sample();
    this.timer = setInterval(() => this.sample(), this.sampleMs);
    this.timer.unref();
    return this;
  }

  /** @private */
  sample() {
    for (const { label, pids } of this.watched) {
      const st = this.state.get(label);
      if (!st) continue;
      let sum = 0;
      for (const pid of pids()) {
        const { rss, hwm } = memory(pid);
        if (!Number.isFinite(rss)) continue;
        sum += rss;
        st.peak.set(pid, Math.max(st.peak.get(pid) ?? 0, rss, this.resetPeak && Number.isFinite(hwm) ? hwm : 0));
        // A process that appears mid-window (a replaced pool child) counts from its birth.
        if (!st.cpu0.has(pid)) st.cpu0.set(pid, 0);
        const cpu = cpuSeconds(pid);
        if (Number.isFinite(cpu)) st.cpuSeen.set(pid, cpu);
      }
      st.peakSum = Math.max(st.peakSum, sum);
    }
  }

  /** @returns {UsageRow[]} */
  stop() {
    this.sample();
    clearInterval(this.timer);
    this.wallS = (performance.now() - this.t0) / 1000;
    return this.watched.map(({ label }) => {
      const st = this.state.get(label);
      if (!st)
        return {
          label,
          processes: 0,
          cpuS: Number.NaN,
          cpuShare: Number.NaN,
          wallS: this.wallS,
          peakRss: Number.NaN,
          peakRssSum: Number.NaN,
        };
      let cpuS = 0;
      // The last value seen counts for a process that exited during the window.
      for (const [pid, start] of st.cpu0) cpuS += (st.cpuSeen.get(pid) ?? start) - start;
      return {
        label,
        processes: st.cpu0.size,
        cpuS,
        cpuShare: cpuS / this.wallS,
        wallS: this.wallS,
        peakRss: Math.max(0, ...st.peak.values()),
        peakRssSum: st.peakSum,
      };
    });
  }
}

/** The machine, for the header of every run: cores and how busy it already is. */
export function loadAverage() {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  } catch {
    return [Number.NaN, Number.NaN, Number.NaN];
  }
}
