import type { PubAck } from '@nats-io/jetstream';
import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import { PUB_ACK_WAIT_MS, PubAckInbox } from './pub-ack-inbox.js';

/** One message for a JetStream stream. */
export interface BulkMessage {
  subject: string;
  payload: string | Uint8Array;
  /** Nats-Msg-Id, expectations …: as js.publish would have set them. */
  headers?: MsgHdrs;
}

export interface BulkPublishOptions {
  /** How long a message waits for its PubAck; those missing then are errors. @defaultValue PUB_ACK_WAIT_MS, as js.publish */
  ackWaitMs?: number;
}

/**
 * Publishes many messages to JetStream at once, their PubAcks heard on one subscription
 * (PubAckInbox). Messages go out in order, in the same turn, so the client writes them
 * together. Each answer is the PubAck, or the error js.publish would have thrown: a refusal
 * keeps JetStream's error code (JetStreamApiError); a PubAck that did not come in time is an
 * error too (the message may still have been stored: publish it again under the same
 * Nats-Msg-Id to learn which).
 */
export class BulkJetStreamPublisher {
  private readonly inbox: PubAckInbox;

  constructor(nc: NatsConnection, options: BulkPublishOptions = {}) {
    this.inbox = new PubAckInbox(nc, options.ackWaitMs ?? PUB_ACK_WAIT_MS);
  }

  /** Each message's PubAck or error, in order; resolves when all are answered or given up on. Never rejects. */
  publishAll(messages: readonly BulkMessage[]): Promise<(PubAck | Error)[]> {
    return Promise.all(
      messages.map((m) =>
        this.inbox
          .publish(m.subject, m.payload, m.headers)
          .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
      ),
    );
  }
}
