import { Logger } from '@nestjs/common';
import { ConsumerName, JobEventType, StreamName, Subjects } from '@crux/contracts';
import { auditAckedUpTo, type JetStreamManager } from '@crux/messaging';
import type { JobHistory } from '../events/job-history.js';
import type { JobReader } from '../redis/job-reader.js';
import { forEachLimited } from '../util/for-each-limited.js';
import { awaitAcked, consumerAckProbe } from './consumer-progress.js';

/** Stream purges (and deletion look-ups) in flight at once. */
const ERASE_CONCURRENCY = 64;

/** A job whose tombstone is stored in JOBS at `seq` under `eventId`. */
export interface Tombstone {
  jobId: string;
  eventId: string;
  seq: number;
}

/**
 * Erase: once a job's tombstone (`deleted`, content hash only) is stored, everything of the
 * job before it leaves JOBS, so its content survives nowhere; the tombstone stays. Only
 * after the audit service has read what that removes, and only where the projection
 * applied the deletion (a refused one erases nothing).
 */
export class ContentEraser {
  private readonly logger = new Logger(ContentEraser.name);

  constructor(
    private readonly reader: JobReader,
    private readonly history: JobHistory,
    private readonly jsm: JetStreamManager,
  ) {}

  /**
   * Erases the content of `stored` (just deleted) and of the jobs in `gone` this plan had
   * deleted before a restart; answers the ids of `stored` whose content could not be removed.
   */
  async erase(planId: string, stored: readonly Tombstone[], gone: readonly string[], stopping: () => boolean): Promise<Set<string>> {
    const unfinished = await this.deletedByPlan(planId, gone);
    const targets = [...stored, ...unfinished];
    const last = targets.reduce((max, t) => Math.max(max, t.seq), 0);
    // A cancel or revoke the trail had not recorded yet must not vanish with the history.
    await awaitAcked(() => auditAckedUpTo(this.jsm, last), 'audit service', last, stopping, this.logger);
    // The projector has then moved a refused deletion from deleted to skipped in the plan's counts.
    await awaitAcked(consumerAckProbe(this.jsm, ConsumerName.Projector, last), 'projector', last, stopping, this.logger);
    const refused = await this.reader.refusals(targets.map((t) => t.eventId));
    const failed = new Set<string>();
    await forEachLimited(
      targets.filter((t) => !refused.has(t.eventId)),
      ERASE_CONCURRENCY,
      async ({ jobId, seq }) => {
        await this.jsm.streams.purge(StreamName.Jobs, { filter: Subjects.jobHistory(jobId), seq });
      },
      ({ jobId }, error) => {
        failed.add(jobId);
        this.logger.error(`purge plan ${planId}: job ${jobId} deleted but its content not erased from JOBS: ${(error as Error).message}`);
      },
    );
    return failed;
  }

  /** Of `jobIds`, those whose latest deletion in JOBS is this plan's. */
  private async deletedByPlan(planId: string, jobIds: readonly string[]): Promise<Tombstone[]> {
    const found: Tombstone[] = [];
    await forEachLimited(
      jobIds,
      ERASE_CONCURRENCY,
      async (jobId) => {
        const deleted = await this.history.last(JobEventType.Deleted, jobId);
        if (deleted?.event.data.plan_id === planId) found.push({ jobId, eventId: deleted.event.id, seq: deleted.seq });
      },
      (jobId, error) => this.logger.error(`purge plan ${planId}: could not read the deletion of job ${jobId}: ${(error as Error).message}`),
    );
    return found;
  }
}
