import type { JsMsg } from '@crux/messaging';
import type { Consumer } from '@nats-io/jetstream';

/** Messages asked for per pull. */
export const PULL_MESSAGES = 1000;
/**
 * How long one pull lives on the server. Messages arrive as they come, so this adds no
 * latency; it bounds how long stopping waits for the pulls to end.
 */
const PULL_EXPIRES_MS = 2000;
/**
 * The server's heartbeat on an idle pull. Well under half the expiry: the client gives a
 * pull up after two missed heartbeats, and must never mistake the pull's normal end for that.
 */
const PULL_HEARTBEAT_MS = 500;
/**
 * How long a pull stays the newest before the next is asked for: half its life, so a second
 * request is always waiting on the server behind the one being served (see runOverlappingPulls).
 */
const PULL_RENEW_MS = PULL_EXPIRES_MS / 2;

export interface PullHooks {
  /** Takes each message pulled, in the order the server sent them. */
  deliver(msg: JsMsg): void;
  /** How long to hold off before asking again (standing back, a full buffer); 0 to ask now. */
  holdOffMs(): number;
  /** Resolves after `ms`, or at once when stopping. */
  wait(ms: number): Promise<void>;
  stopping(): boolean;
  warn(message: string): void;
}

/**
 * Pulls from a durable consumer until stopped, with the next pull request always asked for
 * before the current one can expire; resolves once every pull has ended, so no message is
 * ever in flight to a reader that stopped listening (pulls run to their end, never cut off).
 *
 * Why overlap: nats-server 2.9 drops a pull request that expires while messages keep coming
 * without a word — the message that finds it expired goes to the next request, and the 408
 * that ends the pull is only sent when the server's expiry timer gets there first. The
 * client then ends the pull only after two missed heartbeats (about a second), and a reader
 * that asks again only then leaves every event stored meanwhile waiting that long. This was
 * the trail's periodic ~1 s stall at 500 deletions/s, where a 1,000-message pull expires
 * just short of full. With a second request already queued behind it, the server hands the
 * next message to that one and nothing waits; the dropped pull's own end is noticed later
 * and costs nothing.
 */
export async function runOverlappingPulls(consumer: Consumer, hooks: PullHooks): Promise<void> {
  const open = new Set<Promise<void>>();
  while (!hooks.stopping()) {
    const holdOff = hooks.holdOffMs();
    if (holdOff > 0) {
      await hooks.wait(holdOff);
      continue;
    }
    const pull = pullToItsEnd(consumer, hooks);
    open.add(pull);
    void pull.then(() => open.delete(pull));
    // A pull that fills ends at once and the next is asked for then; one still open gets a successor before it can expire.
    await Promise.race([pull, hooks.wait(PULL_RENEW_MS)]);
  }
  await Promise.all(open);
}

/** One pull request, its messages delivered; never rejects. */
async function pullToItsEnd(consumer: Consumer, hooks: PullHooks): Promise<void> {
  try {
    const messages = await consumer.fetch({ max_messages: PULL_MESSAGES, expires: PULL_EXPIRES_MS, idle_heartbeat: PULL_HEARTBEAT_MS });
    for await (const msg of messages) hooks.deliver(msg);
  } catch (error) {
    if (hooks.stopping()) return;
    // A pull the server dropped (above) or a stalled event loop: the next pull is already asked for.
    if (/heartbeats missed/i.test((error as Error).message)) return;
    hooks.warn(`pulling job events failed (${(error as Error).message}); retrying`);
    await hooks.wait(1000);
  }
}
