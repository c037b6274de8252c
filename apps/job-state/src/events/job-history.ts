import { JobEventType, StreamName, Subjects, type JobEvent } from '@crux/contracts';
import type { JetStreamManager } from '@crux/messaging';
import { isSubjectToken, parseJobEvent, type JobStreamFacts, type Stored, type StoredEvent } from '../domain/index.js';

type EventOfType<T extends JobEventType> = Extract<JobEvent, { type: T }>;

/**
 * One job's events read back from JOBS with direct gets. Not a consumer: nats-server 2.9
 * refuses a consumer filter `job.*.<id>` on this stream (see job-event-feed.ts in messaging),
 * while `next_by_subj` and `last_by_subj` direct gets work.
 */
export class JobHistory {
  constructor(private readonly jsm: JetStreamManager) {}

  /**
   * The job's last event of `type`, or null (none, or not a job id). A direct get, which any
   * replica may answer; `fromLeader` asks the stream leader instead (STREAM.MSG.GET), which
   * holds every event acknowledged to its publisher, where a lagging replica may not yet.
   */
  async last<T extends JobEventType>(type: T, jobId: string, { fromLeader = false } = {}): Promise<Stored<EventOfType<T>> | null> {
    if (!isSubjectToken(jobId)) return null;
    const query = { last_by_subj: Subjects.jobEvent(type, jobId) };
    const msg = fromLeader
      ? await this.jsm.streams.getMessage(StreamName.Jobs, query)
      : await this.jsm.direct.getMessage(StreamName.Jobs, query);
    if (!msg) return null;
    const parsed = parseJobEvent(msg.subject, msg.string());
    return parsed.ok ? { seq: msg.seq, event: parsed.event as EventOfType<T> } : null;
  }

  /** The job's last `created`, `deleted` and `restored`; `fromLeader` as for `last`. */
  async facts(jobId: string, { fromLeader = false } = {}): Promise<JobStreamFacts> {
    const [created, deleted, restored] = await Promise.all([
      this.last(JobEventType.Created, jobId, { fromLeader }),
      this.last(JobEventType.Deleted, jobId, { fromLeader }),
      this.last(JobEventType.Restored, jobId, { fromLeader }),
    ]);
    return { created, deleted, restored };
  }

  /**
   * Every stored event of the job, in stream order, from its first `created` on (the
   * earliest a job's history can start). Unreadable messages are left out, as the projector
   * drops them too.
   */
  async events(jobId: string): Promise<StoredEvent[]> {
    if (!isSubjectToken(jobId)) return [];
    const created = await this.jsm.direct.getMessage(StreamName.Jobs, {
      seq: 1,
      next_by_subj: Subjects.jobEvent(JobEventType.Created, jobId),
    });
    const out: StoredEvent[] = [];
    let seq = created?.seq ?? 1;
    for (;;) {
      const msg = await this.jsm.direct.getMessage(StreamName.Jobs, { seq, next_by_subj: Subjects.jobHistory(jobId) });
      if (!msg) return out;
      seq = msg.seq + 1;
      const parsed = parseJobEvent(msg.subject, msg.string());
      if (parsed.ok) out.push({ seq: msg.seq, event: parsed.event });
    }
  }
}
