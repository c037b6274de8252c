import { Logger } from '@nestjs/common';
import { DeletionArchive, DeletionReason, type JobDeleted } from '@crux/contracts';
import {
  deletionEvent,
  fromJobHash,
  purgeArchive,
  referenceDeletionEvent,
  snapshotOf,
  type StoredJob,
  type StoredPlan,
} from '../domain/index.js';
import type { EventPublisher } from '../events/event-publisher.js';
import type { ContentEraser, Tombstone } from './content-eraser.js';
import type { BatchCounts } from './purge-store.js';

/** Ids of a plan's list and the jobs as read for them (null: gone). */
export interface Batch {
  ids: string[];
  jobs: (StoredJob | null)[];
}

export interface BatchOutcome {
  counts: BatchCounts;
  /** JOBS sequence of the last deletion stored; 0 when none was. */
  maxSeq: number;
}

/**
 * Deletes one batch of a confirmed plan: a `deleted` event per job still there and not on
 * hold, all published at once (by the confirming operator, ids derived from each job's
 * version, so a batch redone after a restart stores nothing twice), then, for an erase,
 * the jobs' content erased from JOBS. The projector removes the keys when it applies the events.
 */
export class BatchDeleter {
  private readonly logger = new Logger(BatchDeleter.name);

  constructor(
    private readonly publisher: EventPublisher,
    private readonly eraser: ContentEraser,
    private readonly archiveRetentionS: number,
  ) {}

  /** By reference while the job's history stays in JOBS long enough (purgeArchive); else with its snapshot. */
  private deletion(plan: StoredPlan, reason: DeletionReason, jobId: string, stored: StoredJob, now: Date, occurredAt: string) {
    const actor = plan.confirmedBy ?? plan.createdBy;
    const byReference =
      plan.erase || purgeArchive(Date.parse(stored.job.created_at), now.getTime(), this.archiveRetentionS) === DeletionArchive.History;
    if (byReference) {
      return referenceDeletionEvent(
        { jobId, reason, job: stored.job, contentHash: stored.contentHash, actor, planId: plan.planId, erase: plan.erase },
        occurredAt,
      );
    }
    const view = fromJobHash(stored.decode());
    return deletionEvent({ jobId, reason, snapshot: view && snapshotOf(view), actor, planId: plan.planId, erase: false }, now);
  }

  async delete(plan: StoredPlan, batch: Batch, stopping: () => boolean): Promise<BatchOutcome> {
    const counts: BatchCounts = { deleted: 0, skipped: 0, failed: 0 };
    const reason = plan.erase ? DeletionReason.Erase : DeletionReason.Purge;
    const now = new Date();
    const occurredAt = now.toISOString();
    const sent: { jobId: string; event: JobDeleted }[] = [];
    const gone: string[] = [];
    batch.ids.forEach((jobId, i) => {
      const stored = batch.jobs[i];
      // Gone since the plan (expired, deleted, or by this plan before a restart) or put on hold: never touched.
      if (!stored || stored.held) {
        counts.skipped++;
        if (!stored) gone.push(jobId);
        return;
      }
      sent.push({ jobId, event: this.deletion(plan, reason, jobId, stored, now, occurredAt) });
    });
    const acks = await this.publisher.publishAll(sent.map((s) => s.event));
    const stored: Tombstone[] = [];
    acks.forEach((ack, i) => {
      const { jobId, event } = sent[i];
      if (ack instanceof Error) this.logger.error(`purge plan ${plan.planId}: job ${jobId} not deleted: ${ack.message}`);
      else stored.push({ jobId, eventId: event.id, seq: ack.seq });
    });
    counts.failed += sent.length - stored.length;
    const maxSeq = stored.reduce((max, s) => Math.max(max, s.seq), 0);
    if (!plan.erase) {
      counts.deleted += stored.length;
      return { counts, maxSeq };
    }
    const notErased = await this.eraser.erase(plan.planId, stored, gone, stopping);
    const storedNotErased = stored.filter((s) => notErased.has(s.jobId)).length;
    counts.deleted += stored.length - storedNotErased;
    counts.failed += storedNotErased;
    return { counts, maxSeq };
  }
}
