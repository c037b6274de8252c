/**
 * Counting what a JetStream stream holds, without reading it: the total (stream info, cheap
 * enough to poll) and, exactly, the messages on one subject filter from a sequence on (a
 * temporary consumer's num_pending; nats-server 2.9 accepts a filter that is a subset of
 * one stream subject, such as `audit.deleted.*` or `job.deleted.*`).
 */
import { AckPolicy, DeliverPolicy } from '@nats-io/jetstream';

/**
 * @param {import('@crux/messaging').JetStreamManager} jsm
 * @param {string} stream
 * @returns {Promise<{ messages: number, lastSeq: number }>}
 */
export async function streamState(jsm, stream) {
  const { state } = await jsm.streams.info(stream);
  return { messages: state.messages, lastSeq: state.last_seq };
}

/**
 * Messages on `subject` in `stream` with a sequence ≥ `fromSeq`.
 * @param {import('@crux/messaging').JetStreamManager} jsm
 * @param {string} stream
 * @param {string} subject
 * @param {number} fromSeq
 */
export async function countOnSubject(jsm, stream, subject, fromSeq) {
  const info = await jsm.consumers.add(stream, {
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: Math.max(1, fromSeq),
    filter_subject: subject,
    inactive_threshold: 60_000_000_000,
    mem_storage: true,
  });
  await jsm.consumers.delete(stream, info.name).catch(() => undefined);
  return info.num_pending;
}
