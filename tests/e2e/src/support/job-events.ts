import { jetstream } from '@nats-io/jetstream';
import { StreamName, Subjects, type EventEnvelope } from '@crux/contracts';
import { closeNats, connectNats } from '@crux/messaging';

/** Every event of one job so far, read straight from the JOBS stream. */
export async function jobEvents(natsUrl: string, jobId: string): Promise<EventEnvelope[]> {
  const nc = await connectNats({ url: natsUrl, name: 'e2e-reader' });
  try {
    const consumer = await jetstream(nc).consumers.get(StreamName.Jobs, { filter_subjects: [Subjects.jobHistory(jobId)] });
    const events: EventEnvelope[] = [];
    for (;;) {
      const msg = await consumer.next({ expires: 1000 });
      if (!msg) return events;
      events.push(msg.json<EventEnvelope>());
      if (msg.info.pending === 0) return events;
    }
  } finally {
    await closeNats(nc);
  }
}
