import { JetStreamApiError, type ApiError, type PubAck } from '@nats-io/jetstream';

/** A reply to a JetStream publish, as its status and bytes arrived. */
export interface PubAckReply {
  /** The NATS status code when the server answered with one instead of a PubAck (503: no stream listens). */
  statusCode: number;
  statusText: string;
  data: Uint8Array;
}

/**
 * The PubAck a reply carries, or the error it says (no stream, a store failure, bytes that
 * are no PubAck). A refusal is a JetStreamApiError with the server's error code, as
 * js.publish throws it, so a caller can tell a failed `expect` header (10071, 10070) apart.
 */
export function readPubAck(reply: PubAckReply): PubAck | Error {
  if (reply.statusCode >= 300) return new Error(`no PubAck: ${reply.statusCode} ${reply.statusText}`.trim());
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(reply.data.buffer, reply.data.byteOffset, reply.data.byteLength).toString('utf8'));
  } catch {
    return new Error('no PubAck: the reply is not JSON');
  }
  const ack = body as { stream?: unknown; seq?: unknown; duplicate?: unknown; domain?: unknown; error?: unknown };
  if (ack.error) return refusal(ack.error);
  if (typeof ack.stream !== 'string' || ack.stream === '' || typeof ack.seq !== 'number') return new Error('no PubAck: invalid ack');
  return {
    stream: ack.stream,
    seq: ack.seq,
    duplicate: ack.duplicate === true,
    ...(typeof ack.domain === 'string' ? { domain: ack.domain } : {}),
  };
}

function refusal(error: unknown): JetStreamApiError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as Partial<Record<keyof ApiError, unknown>>;
  return new JetStreamApiError({
    code: typeof e.code === 'number' ? e.code : 0,
    err_code: typeof e.err_code === 'number' ? e.err_code : 0,
    description: `JetStream refused the message: ${typeof e.description === 'string' ? e.description : 'no description'}`,
  });
}
