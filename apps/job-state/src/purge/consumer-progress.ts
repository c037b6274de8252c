import { StreamName } from '@crux/contracts';
import type { JetStreamManager } from '@crux/messaging';
import type { Logger } from '@nestjs/common';

/** A consumer that stops moving for this long is given up on. */
const STALL_MS = 30_000;
const POLL_MS = 100;

/** Whether a reader of JOBS has acked everything up to a sequence, and where it stands; null when it does not exist. */
export type AckProbe = () => Promise<{ acked: boolean; floor: number } | null>;

/** The probe of one durable consumer on JOBS: acked up to `seq` once its ack floor is there. */
export function consumerAckProbe(jsm: JetStreamManager, consumer: string, seq: number): AckProbe {
  return async () => {
    const info = await jsm.consumers.info(StreamName.Jobs, consumer).catch(() => null);
    if (!info) return null;
    return { acked: info.ack_floor.stream_seq >= seq, floor: info.ack_floor.stream_seq };
  };
}

/**
 * Waits until a reader of JOBS has acked everything up to `seq`, for as long as it keeps
 * making progress and `stopping()` is false. An absent or stalled reader does not block:
 * the caller goes on, and says so in the log.
 */
export async function awaitAcked(
  probe: AckProbe,
  who: string,
  seq: number,
  stopping: () => boolean,
  logger: Pick<Logger, 'warn'>,
): Promise<void> {
  if (seq === 0) return;
  let floor = -1;
  let movedAt = Date.now();
  while (!stopping()) {
    const now = await probe().catch(() => null);
    if (!now) {
      logger.warn(`no ${who} consumer on JOBS; going on without waiting for it`);
      return;
    }
    if (now.acked) return;
    if (now.floor !== floor) {
      floor = now.floor;
      movedAt = Date.now();
    } else if (Date.now() - movedAt > STALL_MS) {
      logger.warn(`the ${who} is stuck at ${now.floor}, before ${seq}; going on anyway`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
