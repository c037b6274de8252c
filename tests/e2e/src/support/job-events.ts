import { jetstreamManager } from '@nats-io/jetstream';
import { StreamName, Subjects, type EventEnvelope } from '@crux/contracts';
import { closeNats, connectNats } from '@crux/messaging';

/**
 * Every event of one job so far, read straight from the JOBS stream. Direct gets walk
 * `job.*.<id>` (nats-server 2.9 refuses that filter on a consumer of JOBS, whose subjects
 * are listed one by one).
 */
export async function jobEvents(natsUrl: string, jobId: string): Promise<EventEnvelope[]> {
  const nc = await connectNats({ url: natsUrl, name: 'e2e-reader' });
  try {
    const jsm = await jetstreamManager(nc);
    const events: EventEnvelope[] = [];
    let seq = 1;
    for (;;) {
      const msg = await jsm.direct.getMessage(StreamName.Jobs, { seq, next_by_subj: Subjects.jobHistory(jobId) }).catch((error: Error) => {
        if (/no message found|not found/i.test(error.message)) return null;
        throw error;
      });
      if (!msg) return events;
      events.push(msg.json<EventEnvelope>());
      seq = msg.seq + 1;
    }
  } finally {
    await closeNats(nc);
  }
}
