/**
 * The pauses before each new try of a publish to JOBS that failed or had no PubAck. Retrying
 * is safe: every event carries its id as Nats-Msg-Id and the stream stores a retried one once.
 */
export const PUBLISH_RETRY_MS: readonly number[] = [100, 400, 1500];
