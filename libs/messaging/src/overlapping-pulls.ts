import type { Consumer, FetchOptions, JsMsg } from '@nats-io/jetstream';

export interface OverlappingPullOptions {
  /** Messages asked for per pull. @defaultValue 1000 */
  messages?: number;
  /**
   * How long one pull lives on the server. Messages arrive as they come, so this adds no
   * latency; it bounds how long stopping waits for the pulls to end. @defaultValue 2000
   */
  expiresMs?: number;
  /**
   * The server's heartbeat on an idle pull. Well under half the expiry: the client gives a
   * pull up after two missed heartbeats, and must never mistake the pull's normal end for that.
   * @defaultValue 500
   */
  heartbeatMs?: number;
}

export interface PullHooks {
  /**
   * Takes each message pulled, in the order the server sent them, across overlapping pulls
   * too (called from the connection's read loop: must not throw).
   */
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
 * that ends the pull is only sent when the server's expiry timer gets there first. A reader
 * that asks again only once its pull ended (a fetch loop, whose fetch ends after two missed
 * heartbeats) or that counts the dropped request's messages as still owed (the client's
 * consume(), which then stops asking until two heartbeats are missed) pulls nothing for one
 * to a few seconds, and every event stored meanwhile waits that long. With a second request
 * already queued behind it, the server hands the next message to that one and nothing
 * waits; the dropped pull's own end is noticed later and costs nothing.
 *
 * Messages go to `deliver` from each pull's callback, not from an iterator per pull: the
 * server deals messages round-robin to the requests waiting, and callbacks run in the order
 * the messages arrived on the connection, so overlapping pulls still deliver in stream order.
 */
export async function runOverlappingPulls(consumer: Consumer, hooks: PullHooks, options: OverlappingPullOptions = {}): Promise<void> {
  const pull = {
    max_messages: options.messages ?? 1000,
    expires: options.expiresMs ?? 2000,
    idle_heartbeat: options.heartbeatMs ?? 500,
  };
  // Half a pull's life: a second request is always waiting on the server behind the one being served.
  const renewMs = pull.expires / 2;
  const open = new Set<Promise<void>>();
  while (!hooks.stopping()) {
    const holdOff = hooks.holdOffMs();
    if (holdOff > 0) {
      await hooks.wait(holdOff);
      continue;
    }
    const one = pullToItsEnd(consumer, hooks, pull);
    open.add(one);
    void one.then(() => open.delete(one));
    // A pull that fills ends at once and the next is asked for then; one still open gets a successor before it can expire.
    await Promise.race([one, hooks.wait(renewMs)]);
  }
  await Promise.all(open);
}

/** One pull request, its messages delivered; never rejects. */
async function pullToItsEnd(
  consumer: Consumer,
  hooks: PullHooks,
  pull: { max_messages: number; expires: number; idle_heartbeat: number },
): Promise<void> {
  try {
    // The client reads `callback` for a fetch as for a consume(), but types it for consume() only.
    const fetch: FetchOptions & { callback: (msg: JsMsg) => void } = { ...pull, callback: (msg) => hooks.deliver(msg) };
    const messages = await consumer.fetch(fetch);
    const ended = await messages.closed();
    if (ended instanceof Error) throw ended;
  } catch (error) {
    if (hooks.stopping()) return;
    // A pull the server dropped (above) or a stalled event loop: the next pull is already asked for.
    if (/heartbeats missed/i.test((error as Error).message)) return;
    hooks.warn(`pulling failed (${(error as Error).message}); retrying`);
    await hooks.wait(1000);
  }
}
