/**
 * Tells, from outside, when processes are gone: `kill(pid, 0)` fails with ESRCH once a
 * process has exited and its parent has reaped it. A zombie still counts as present, which
 * is also what the worker calls gone (the child's exit event comes after reaping), so both
 * sides mean the same thing.
 */
import { epochNow } from './clock.mjs';

export class PidWatch {
  /** @param {number} intervalMs  how often every watched pid is looked at */
  constructor(intervalMs) {
    this.intervalMs = intervalMs;
    /** @type {Map<number, { resolve: (at: number) => void }>} */
    this.watched = new Map();
    /** @type {NodeJS.Timeout | undefined} */
    this.timer = undefined;
    this.lastTick = 0;
    /** The longest gap seen between two looks while something was watched: the real resolution. */
    this.worstGapMs = 0;
  }

  /**
   * Whether the process exists now.
   * @param {number} pid
   */
  static alive(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return /** @type {NodeJS.ErrnoException} */ (error).code !== 'ESRCH';
    }
  }

  /**
   * Resolves with the epoch ms at which `pid` was first seen gone.
   * @param {number} pid
   * @returns {Promise<number>}
   */
  gone(pid) {
    return new Promise((resolve) => {
      this.watched.set(pid, { resolve });
      if (!this.timer) {
        this.lastTick = performance.now();
        this.timer = setInterval(() => this.tick(), this.intervalMs);
      }
    });
  }

  /** @private */
  tick() {
    const now = performance.now();
    this.worstGapMs = Math.max(this.worstGapMs, now - this.lastTick);
    this.lastTick = now;
    for (const [pid, { resolve }] of this.watched) {
      if (PidWatch.alive(pid)) continue;
      this.watched.delete(pid);
      resolve(epochNow());
    }
    if (this.watched.size === 0) this.stop();
  }

  stop() {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
