/**
 * The cancels and deletions this worker has read from JOBS, by job, for the jobs the queue
 * may still hand it. Any job it can be handed was created after the queue's ack floor when
 * the worker started, so reading those events from there on covers them all; an entry is
 * forgotten once the queue's ack floor passes it (its job can no longer be delivered).
 */
import type { HeardEvent } from './event-follower.js';

export interface Notice {
  eventId: string;
  seq: number;
}

export class JobNotices {
  private readonly cancels = new Map<string, Notice>();
  private readonly deletions = new Map<string, Notice>();

  heardCancel(event: HeardEvent): void {
    this.cancels.set(event.jobId, { eventId: event.eventId, seq: event.seq });
  }

  heardDeletion(event: HeardEvent): void {
    this.deletions.set(event.jobId, { eventId: event.eventId, seq: event.seq });
  }

  cancelOf(jobId: string): Notice | null {
    return this.cancels.get(jobId) ?? null;
  }

  deletionOf(jobId: string): Notice | null {
    return this.deletions.get(jobId) ?? null;
  }

  /** Forgets what is at or below stream sequence `ackFloor`: every job created before it is settled. */
  forgetThrough(ackFloor: number): void {
    for (const notices of [this.cancels, this.deletions]) {
      for (const [jobId, notice] of notices) if (notice.seq <= ackFloor) notices.delete(jobId);
    }
  }

  get size(): number {
    return this.cancels.size + this.deletions.size;
  }
}
