import type { PubAck } from '@crux/messaging';

/** A reply to a JetStream publish, as its status and bytes arrived. */
export interface PubAckReply {
  /** The NATS status code when the server answered with one instead of a PubAck (503: no stream listens). */
  statusCode: number;
  statusText: string;
  data: Uint8Array;
}

/**
 * The PubAck a reply carries, or the error it says (no stream, a store failure, bytes that are
 * no PubAck). The same reading as job-state's (apps/job-state/src/events/pub-ack.ts).
 */
export function readPubAck(reply: PubAckReply): PubAck | Error {
  if (reply.statusCode >= 300) return new Error(`no PubAck: ${reply.statusCode} ${reply.statusText}`.trim());
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(reply.data.buffer, reply.data.byteOffset, reply.data.byteLength).toString('utf8'));
  } catch {
    return new Error('no PubAck: the reply is not JSON');
  }
  const ack = body as { stream?: unknown; seq?: unknown; duplicate?: unknown; domain?: unknown; error?: { description?: unknown } };
  if (ack.error) return new Error(`JetStream refused the event: ${String(ack.error.description ?? 'no description')}`);
  if (typeof ack.stream !== 'string' || ack.stream === '' || typeof ack.seq !== 'number') return new Error('no PubAck: invalid ack');
  return {
    stream: ack.stream,
    seq: ack.seq,
    duplicate: ack.duplicate === true,
    ...(typeof ack.domain === 'string' ? { domain: ack.domain } : {}),
  };
}
