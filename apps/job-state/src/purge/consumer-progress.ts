import { StreamName } from '@crux/contracts';
import type { JetStreamManager } from '@crux/messaging';
import type { Logger } from '@nestjs/common';

/** A consumer that stops moving for this long is given up on. */
const STALL_MS = 30_000;
const POLL_MS = 100;

/**
 * Waits until `consumer` on JOBS has acked everything up to `seq`, for as long as it keeps
 * making progress and `stopping()` is false. An absent or stalled consumer does not block:
 * the caller goes on, and says so in the log.
 */
export async function awaitConsumer(
  jsm: JetStreamManager,
  consumer: string,
  who: string,
  seq: number,
  stopping: () => boolean,
  logger: Pick<Logger, 'warn'>,
): Promise<void> {
  if (seq === 0) return;
  let floor = -1;
  let movedAt = Date.now();
  while (!stopping()) {
    const info = await jsm.consumers.info(StreamName.Jobs, consumer).catch(() => null);
    if (!info) {
      logger.warn(`no ${who} consumer on JOBS; going on without waiting for it`);
      return;
    }
    const now = info.ack_floor.stream_seq;
    if (now >= seq) return;
    if (now !== floor) {
      floor = now;
      movedAt = Date.now();
    } else if (Date.now() - movedAt > STALL_MS) {
      logger.warn(`the ${who} is stuck at ${now}, before ${seq}; going on anyway`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
