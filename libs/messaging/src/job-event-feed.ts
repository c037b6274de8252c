/**
 * One job's events from the JOBS stream: its stored history from a sequence on, then its live
 * events as they are stored.
 *
 * Why not an ordered consumer on `job.*.<id>`: nats-server 2.9 only accepts a consumer filter
 * that is a subset of one stream subject, and JOBS lists its event subjects one by one
 * (`job.created.*`, `job.started.*`, …) so that `job.state.*` requests stay out of it;
 * `job.*.<id>` spans several and is refused ("consumer filter subject is not a valid subset
 * of the interest subjects"). Direct gets with a wildcard `next_by_subj` work on 2.9, so the
 * feed reads the stream message by message, and a core subscription on `job.*.<id>` (no
 * such restriction) is its doorbell: every publish for the job rings it, and the feed then
 * reads what was stored. The stream stays the source of truth — order, sequence numbers and
 * completeness come from it, never from the doorbell.
 */
import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { StreamName, Subjects, type EventEnvelope } from '@crux/contracts';

export interface FeedItem {
  /** JOBS stream sequence of the event: a resume point (e.g. an SSE event id). */
  seq: number;
  event: EventEnvelope;
}

export interface JobEventFeedOptions {
  /** Read again this often while waiting, in case a doorbell was lost (e.g. across a reconnect). */
  pollMs?: number;
  /** How long a rung event may take to show up in the stream before the feed stops looking for it. */
  expectMs?: number;
  /** Told about stored messages that are not JSON event envelopes (they are skipped). */
  onSkip?: (seq: number, subject: string) => void;
}

export class JobEventFeed {
  private cursor: number;
  private sub: Subscription | undefined;
  private closed = false;
  private wake: (() => void) | null = null;
  /** Event ids the doorbell announced that the feed has not read yet, with when they rang. */
  private readonly expected = new Map<string, number>();
  /** Event ids already read; a re-published duplicate rings again but is not stored again. */
  private readonly seen = new Set<string>();
  private readonly pollMs: number;
  private readonly expectMs: number;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    readonly jobId: string,
    startSeq: number,
    private readonly options: JobEventFeedOptions,
  ) {
    this.cursor = Math.max(1, startSeq);
    this.pollMs = options.pollMs ?? 5000;
    this.expectMs = options.expectMs ?? 5000;
  }

  /**
   * Opens the feed at `startSeq`. The doorbell is subscribed (and the server has seen the
   * subscription) before the first read, so an event stored later always rings it.
   */
  static async open(
    nc: NatsConnection,
    jsm: JetStreamManager,
    jobId: string,
    startSeq: number,
    options: JobEventFeedOptions = {},
  ): Promise<JobEventFeed> {
    const feed = new JobEventFeed(nc, jsm, jobId, startSeq, options);
    feed.sub = nc.subscribe(Subjects.jobHistory(jobId), {
      callback: (err, msg) => {
        if (err) return;
        const id = msg.headers?.get('Nats-Msg-Id') || eventIdOf(msg.data);
        if (id && !feed.seen.has(id)) feed.expected.set(id, Date.now());
        feed.ring();
      },
    });
    await nc.flush();
    return feed;
  }

  /**
   * The job's next stored event after the last one returned. With `wait`, waits until one
   * is stored; without, answers null when the feed has caught up. Null once closed.
   */
  async next(wait: boolean): Promise<FeedItem | null> {
    let retry = 0;
    while (!this.closed) {
      let item: FeedItem | null | 'skipped';
      try {
        item = await this.read();
      } catch (error) {
        if (!wait || this.closed) throw error;
        // JetStream unreachable for now: keep trying until closed (the caller bounds the wait).
        await this.sleep(Math.min(250 * ++retry, 2000));
        continue;
      }
      if (item === 'skipped') continue;
      if (item) return item;
      if (!wait) return null;
      this.forgetStale();
      if (this.expected.size > 0) {
        // Rung but not stored yet: the doorbell can beat the stream's write by a moment.
        await this.sleep(Math.min(5 * 2 ** retry++, 250));
      } else {
        retry = 0;
        await this.sleep(this.pollMs, true);
      }
    }
    return null;
  }

  /** Stops the feed; a pending next() answers null. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sub?.unsubscribe();
    this.ring();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private async read(): Promise<FeedItem | null | 'skipped'> {
    const msg = await this.jsm.direct.getMessage(StreamName.Jobs, {
      seq: this.cursor,
      next_by_subj: Subjects.jobHistory(this.jobId),
    });
    if (!msg || this.closed) return null;
    this.cursor = msg.seq + 1;
    let event: EventEnvelope;
    try {
      event = msg.json<EventEnvelope>();
    } catch {
      this.options.onSkip?.(msg.seq, msg.subject);
      return 'skipped';
    }
    this.seen.add(event.id);
    this.expected.delete(event.id);
    return { seq: msg.seq, event };
  }

  private ring(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** Sleeps `ms`, or less when `interruptible` and the doorbell rings (or the feed closes). */
  private sleep(ms: number, interruptible = false): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      if (interruptible || this.closed) this.wake = done;
      if (this.closed) done();
    });
  }

  private forgetStale(): void {
    const now = Date.now();
    for (const [id, rang] of this.expected) {
      if (now - rang > this.expectMs) this.expected.delete(id);
    }
  }
}

/** The envelope id of a published event, for a doorbell without a Nats-Msg-Id header. */
function eventIdOf(data: Uint8Array): string | null {
  try {
    const id = (JSON.parse(new TextDecoder().decode(data)) as { id?: unknown }).id;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}
