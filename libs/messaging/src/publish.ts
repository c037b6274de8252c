import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import { Subjects, type EventEnvelope, type JobEventType } from '@crux/contracts';

/**
 * Publishes a job event to the JOBS stream with Nats-Msg-Id = event id, so a publish
 * retried after a timeout or reconnect is stored once (the PubAck says `duplicate`).
 */
export function publishEvent(js: JetStreamClient, event: EventEnvelope<JobEventType>): Promise<PubAck> {
  return js.publish(Subjects.jobEvent(event.type, event.job_id), JSON.stringify(event), { msgID: event.id });
}
