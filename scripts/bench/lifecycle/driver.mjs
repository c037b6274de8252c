/**
 * What the lifecycle benchmark needs from a system under test. One driver per system
 * (crux-driver.mjs, bullmq-driver.mjs); a later baseline is one more driver.
 */

/** @typedef {import('./job-log.mjs').JobTimes} JobTimes */

/**
 * @typedef {object} Driver
 * @property {string} name
 * @property {import('./job-log.mjs').JobLog} log
 * @property {(dueAt?: number) => Promise<JobTimes>} submit   adds one job; resolves with its entry once accepted
 * @property {() => Promise<void>} markPhase   called before a phase: where its stage timestamps start
 * @property {(jobs: JobTimes[]) => Promise<void>} fillStages  after a phase: the system's own timestamps of each job's stages
 * @property {() => Promise<Record<string, number | null>>} backlogs  work not yet done, by queue
 * @property {(timeoutMs: number) => Promise<void>} quiesce   waits until no work is left anywhere
 * @property {import('../lib/proc.mjs').Watched[]} processes
 * @property {() => Promise<void>} stopProcesses   stops the system's own processes (not NATS and Redis)
 * @property {() => Promise<void>} close
 */

export {};
