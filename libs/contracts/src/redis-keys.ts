/**
 * Every Redis key Crux uses, built in one place. Only job-state reads or writes Redis;
 * operators' tools (verify-purge) read these names too, so they are part of the contract.
 */
import type { JobStatus } from './job-status.js';

export const RedisKeys = {
  /** The live state of one job: a hash with the JobView fields. */
  job: (jobId: string) => `job:${jobId}`,
  /** Every live job by creation time (ms). */
  byCreated: 'jobs:by_created',
  /** One owner's live jobs by creation time (ms). */
  byOwner: (owner: string) => `jobs:by_owner:${owner}`,
  /** Live jobs of one status by creation time (ms). */
  byStatus: (status: JobStatus) => `jobs:by_status:${status}`,
  /** Expiry bookkeeping: job id → when its key is due to expire (ms); held jobs are absent. */
  expiry: 'jobs:expiry',
  /** Cancelled running jobs awaiting their worker's `revoked`: job id → deadline (ms). */
  revokePending: 'jobs:revoke_pending',
  /** A purge plan: hash of its filter, token hash, expiry, progress counters. */
  purgePlan: (planId: string) => `purge:${planId}`,
  /** The frozen id list of a purge plan (a list, in plan order). */
  purgePlanIds: (planId: string) => `purge:${planId}:ids`,
  /** Which job-state replica executes a confirmed plan: a lease, renewed per batch. */
  purgePlanLease: (planId: string) => `purge:${planId}:lease`,
  /** Ids of confirmed plans not yet completed: resumed after a restart. */
  purgesRunning: 'purges:running',
  /**
   * The projection's sentinel: a hash (epoch, built_at, rebuild_id) written once the live
   * state is complete (a fresh start, or a rebuild from JOBS that finished). Redis keeps no
   * data on disk, so a missing sentinel while JOBS holds events means Redis lost the state
   * (FLUSHALL, a restart) and job-state rebuilds it.
   */
  projection: 'jobs:projection',
  /** Progress of the latest rebuild from JOBS (a hash of RebuildProgress fields), for any replica to answer. */
  rebuild: 'jobs:rebuild',
  /** Which job-state replica is rebuilding: a lease, renewed per batch, so two never rebuild at once. */
  rebuildLease: 'jobs:rebuild:lease',
  /**
   * Which job-state replica runs the projector: a lease (holder id, short TTL) renewed by its
   * holder. One applier at a time keeps each job's events in stream order.
   */
  projectorLease: 'job-state:projector:lease',
  /**
   * The projector's fencing token: `<n>:<holder>:<tag>`, replaced only when a replica takes
   * the lease over (renewals leave it). Every projector write checks it inside its own
   * transaction, so a leader that froze past its lease writes nothing once another took over.
   */
  projectorEpoch: 'job-state:projector:epoch',
  /**
   * A standby's claim on the projector lease after Redis lost the lease and the epoch together
   * (FLUSHALL): it takes over only once the claim has stood a lease length, so a live leader's
   * renewal wins and its rebuild is not fenced out.
   */
  projectorClaim: 'job-state:projector:claim',
  /**
   * Tombstone of a deleted job: the JOBS sequence of its `deleted` event, kept for the archive
   * retention. A replayed event older than it (e.g. `created`) cannot resurrect the job.
   */
  tombstone: (jobId: string) => `jobs:deleted:${jobId}`,
  /**
   * A command event the projection refused (a hold of a job deleted first, say): JSON of its
   * EventRefusal, kept for the archive retention. The trail never records a refused event.
   */
  refusal: (eventId: string) => `jobs:refused:${eventId}`,
  /**
   * Lifecycle events the projector set aside: a script failed on them at every try (something
   * else wrote at the job's key, say), and the events after them went on. A hash, JOBS
   * sequence → JSON {event_id, job_id, type, reason, at}; the projector's sweeper applies each
   * again, in sequence order, and removes it once Redis answered. A command set aside is
   * refused instead (RefusalReason.NotApplied) and is not kept here.
   */
  setAside: 'jobs:set-aside',
} as const;

export const JOB_KEY_PREFIX = 'job:';
