/**
 * What JOBS holds of one job, counted per event type in one STREAM.INFO (answered by the
 * stream leader, so a lagging replica cannot hide the newest events). Read only for a
 * redelivered job: the count of `started` says how many runs really began, whatever
 * happened to the deliveries in between.
 */
import { JobEventType, StreamName, Subjects } from '@crux/contracts';
import type { JetStreamManager } from '@crux/messaging';
import type { TerminalType } from './terminal-event.js';

export type JobRecord =
  | {
      kind: 'read';
      /** `job.started` events stored: runs that began. */
      starts: number;
      /** The outcome stored, if any. */
      outcome: TerminalType | null;
      cancelled: boolean;
      deleted: boolean;
    }
  /** JetStream could not be asked (a failover): nobody can say whether the job already ended. */
  | { kind: 'unknown'; detail: string };

export async function readJobRecord(jsm: JetStreamManager, jobId: string): Promise<JobRecord> {
  try {
    const info = await jsm.streams.info(StreamName.Jobs, { subjects_filter: Subjects.jobHistory(jobId) });
    const subjects = info.state.subjects ?? {};
    const count = (type: JobEventType) => subjects[Subjects.jobEvent(type, jobId)] ?? 0;
    const outcome =
      count(JobEventType.Completed) > 0 ? JobEventType.Completed : count(JobEventType.Failed) > 0 ? JobEventType.Failed : null;
    return {
      kind: 'read',
      starts: count(JobEventType.Started),
      outcome,
      cancelled: count(JobEventType.Cancel) > 0,
      deleted: count(JobEventType.Deleted) > count(JobEventType.Restored),
    };
  } catch (error) {
    return { kind: 'unknown', detail: `could not read the job's events in ${StreamName.Jobs}: ${(error as Error).message}` };
  }
}
