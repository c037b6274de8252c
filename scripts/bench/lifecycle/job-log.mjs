/**
 * What the lifecycle benchmark knows about each job it submitted: when it was due, sent and
 * accepted (client side), the system's own timestamps of its stages, and when the client
 * saw it complete. All times are epoch milliseconds of this machine's clock, so the
 * client's times and the services' event timestamps can be subtracted.
 */

export { epochNow } from '../lib/clock.mjs';

/**
 * @typedef {object} JobTimes
 * @property {string} id
 * @property {number} [dueAt]       when the open loop meant to send it
 * @property {number} [sentAt]
 * @property {number} [acceptedAt]  202 received / Queue.add resolved
 * @property {number} [createdAt]   the system's own timestamps: created (added),
 * @property {number} [startedAt]   started (active),
 * @property {number} [completedAt] completed (finished)
 * @property {number} [observedAt]  the client heard it completed
 * @property {string} [failed]      why, when the system reported it failed
 */

export class JobLog {
  constructor() {
    /** @type {Map<string, JobTimes>} */
    this.jobs = new Map();
    /** @type {JobTimes[]} */
    this.failures = [];
  }

  /** @param {string} id */
  job(id) {
    let job = this.jobs.get(id);
    if (!job) {
      job = { id };
      this.jobs.set(id, job);
    }
    return job;
  }

  /** @param {string} id @param {number} at */
  observed(id, at) {
    const job = this.job(id);
    job.observedAt ??= at;
  }

  /** @param {string} id @param {string} why */
  failed(id, why) {
    const job = this.job(id);
    job.failed ??= why;
    this.failures.push(job);
  }

  /**
   * Resolves once every job is observed complete or failed, or after `timeoutMs`, with the
   * jobs still unfinished. Polls, but the figures use each job's own observedAt, so the
   * polling interval does not show in them.
   * @param {JobTimes[]} jobs
   * @param {number} timeoutMs
   * @returns {Promise<JobTimes[]>}
   */
  async settle(jobs, timeoutMs) {
    const deadline = performance.now() + timeoutMs;
    let open = jobs;
    for (;;) {
      open = open.filter((job) => job.observedAt === undefined && job.failed === undefined);
      if (open.length === 0 || performance.now() > deadline) return open;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
