import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import { Subjects, type EventEnvelope, type JobEventType } from '@crux/contracts';
import type { BulkMessage } from './bulk-publish.js';
import type { PubAckInbox } from './pub-ack-inbox.js';

/**
 * Publishes a job event to the JOBS stream with Nats-Msg-Id = event id, so a publish
 * retried after a timeout or reconnect is stored once (the PubAck says `duplicate`).
 */
export function publishEvent(js: JetStreamClient, event: EventEnvelope<JobEventType>): Promise<PubAck> {
  return js.publish(Subjects.jobEvent(event.type, event.job_id), JSON.stringify(event), { msgID: event.id });
}

/** A job event as a message for JOBS: its subject, its JSON, and its id as Nats-Msg-Id. */
export function jobEventMessage(event: EventEnvelope<JobEventType>): BulkMessage {
  const h = headers();
  h.set('Nats-Msg-Id', event.id);
  return { subject: Subjects.jobEvent(event.type, event.job_id), payload: JSON.stringify(event), headers: h };
}

/** publishEvent through a PubAckInbox: the same message on the wire, its PubAck heard on the inbox. */
export function publishJobEvent(inbox: PubAckInbox, event: EventEnvelope<JobEventType>): Promise<PubAck> {
  const { subject, payload, headers: h } = jobEventMessage(event);
  return inbox.publish(subject, payload, h);
}
