/**
 * Follows one kind of job event in JOBS (every `job.cancel.*`, or every `job.deleted.*`) with
 * an ordered consumer that reads headers only: the subject names the job, `Nats-Msg-Id` is the
 * event's id. An ordered consumer resumes after the last message it delivered whenever it
 * loses its place (a reconnect, a server restart), so no event is missed however long the
 * worker was cut off; `live` says whether it has caught up with the stream since it last
 * could have fallen behind.
 *
 * An ordered consumer is ephemeral and lives on one NATS node. When that node dies, the
 * client only learns so from missed heartbeats, and then asks after the consumer until the
 * node is back (its requests time out; it never hears "not found"): meanwhile nothing is
 * delivered and the worker's jobs wait. So when the consumer cannot be reached, this
 * follower opens a new one after the last event it heard, on a node that answers.
 */
import { parseJobSubject, StreamName, Subjects, type JobEventType } from '@crux/contracts';
import { jetstream, type NatsConnection } from '@crux/messaging';
import { DeliverPolicy, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { PoolLogger } from '../pool/pool-types.js';

export interface HeardEvent {
  jobId: string;
  /** The event's id (its Nats-Msg-Id). */
  eventId: string;
  /** Its JOBS stream sequence. */
  seq: number;
}

type OrderedConsumer = Awaited<ReturnType<ReturnType<typeof jetstream>['consumers']['get']>>;

/**
 * A pull lasts this long and the server heartbeats it every HEARTBEAT_MS: two missed and the
 * follower asks after its consumer. The client's default (30 s, heartbeat 15 s) left a worker's
 * jobs waiting about half a minute after a node died before anything was even tried.
 */
const PULL_EXPIRES_MS = 5_000;
const HEARTBEAT_MS = 1_000;
/** A consumer this young that cannot be reached may still be being created: not replaced yet. */
const REOPEN_AFTER_MS = 5_000;
/** Between two looks at how far the consumer is behind while catching up. */
const CATCH_UP_PAUSE_MS = 250;

export class EventFollower {
  private consumer: OrderedConsumer | undefined;
  private messages: ConsumerMessages | undefined;
  /** When the current consumer was asked for. */
  private openedAt = 0;
  /** Stream sequence of the last event heard; a new consumer starts after it. */
  private lastSeq = 0;
  private isLive = false;
  private liveWaiters: Array<() => void> = [];
  private catchingUp: Promise<void> | null = null;
  private stopStatus: () => void = () => undefined;
  private stopped = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly type: JobEventType,
    private readonly onEvent: (event: HeardEvent) => void,
    private readonly logger: PoolLogger,
  ) {}

  /** Caught up with the stream since the connection last dropped. */
  get live(): boolean {
    return this.isLive;
  }

  /** Starts reading at stream sequence `fromSeq`; resolves once caught up with the stream as it is now. */
  async start(fromSeq: number): Promise<void> {
    this.lastSeq = Math.max(1, fromSeq) - 1;
    await this.open();
    this.watchConnection();
    await this.untilLive();
  }

  /** A new ordered consumer from the event after the last one heard; the one before (if any) is let go. */
  private async open(): Promise<void> {
    const previous = this.messages;
    this.messages = undefined;
    this.openedAt = Date.now();
    void previous?.close().catch(() => undefined);
    this.consumer = await jetstream(this.nc).consumers.get(StreamName.Jobs, {
      filter_subjects: Subjects.eventsOfType(this.type),
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: this.lastSeq + 1,
      headers_only: true,
    });
    const messages = await this.consumer.consume({
      expires: PULL_EXPIRES_MS,
      idle_heartbeat: HEARTBEAT_MS,
      callback: (msg) => this.heard(msg),
    });
    if (this.stopped) {
      await messages.close().catch(() => undefined);
      return;
    }
    this.messages = messages;
    this.watchConsumer(messages).catch(() => undefined);
  }

  /** Resolves once caught up (at once when live). */
  untilLive(): Promise<void> {
    if (this.isLive || this.stopped) return Promise.resolve();
    const waiting = new Promise<void>((resolve) => this.liveWaiters.push(resolve));
    this.catchUp();
    return waiting;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopStatus();
    this.setLive();
    await this.messages?.close().catch(() => undefined);
  }

  private heard(msg: JsMsg): void {
    // Already heard through a consumer this one replaced.
    if (msg.seq <= this.lastSeq) return;
    this.lastSeq = msg.seq;
    const parsed = parseJobSubject(msg.subject);
    const eventId = msg.headers?.get('Nats-Msg-Id');
    if (parsed && eventId) this.onEvent({ jobId: parsed.jobId, eventId, seq: msg.seq });
    else this.logger.warn(`ignoring ${msg.subject} (stream seq ${msg.seq}): not a job event with an id`);
    if (msg.info.pending === 0) this.setLive();
  }

  /**
   * Asks the server how much is left to deliver; nothing left means every stored event has
   * reached the callback (deliveries come before the answer on the same connection). A
   * consumer that cannot be asked (its node is down, it is gone) is replaced.
   */
  private catchUp(): void {
    if (this.catchingUp || !this.consumer) return;
    this.catchingUp = (async () => {
      while (!this.isLive && !this.stopped) {
        if (!this.messages) {
          // The last replacement failed after letting the old consumer's reading go: nothing
          // reads now, so asking how far behind it is would say "behind" for ever. Open again.
          await this.open().catch((e: unknown) =>
            this.logger.warn(`following ${Subjects.eventsOfType(this.type)} again failed: ${(e as Error).message}; trying again`),
          );
          await new Promise((resolve) => setTimeout(resolve, CATCH_UP_PAUSE_MS));
          continue;
        }
        try {
          const info = await this.consumer!.info(false);
          if (info.num_pending === 0) {
            this.setLive();
            return;
          }
        } catch (error) {
          const replace = Date.now() - this.openedAt >= REOPEN_AFTER_MS;
          this.logger.warn(
            `following ${Subjects.eventsOfType(this.type)}: ${(error as Error).message}; ${replace ? `following again from stream seq ${this.lastSeq + 1}` : 'trying again'}`,
          );
          if (replace)
            await this.open().catch((e: unknown) =>
              this.logger.warn(`following ${Subjects.eventsOfType(this.type)} again failed: ${(e as Error).message}`),
            );
        }
        await new Promise((resolve) => setTimeout(resolve, CATCH_UP_PAUSE_MS));
      }
    })().finally(() => (this.catchingUp = null));
  }

  /** Missed heartbeats, or a consumer gone: events may be going unheard, so not live until caught up. */
  private async watchConsumer(messages: ConsumerMessages): Promise<void> {
    for await (const s of messages.status()) {
      if (this.messages !== messages || this.stopped) return;
      if (s.type === 'heartbeats_missed' || s.type === 'consumer_not_found' || s.type === 'consumer_deleted') {
        this.isLive = false;
        this.catchUp();
      }
    }
  }

  private setLive(): void {
    this.isLive = true;
    for (const resolve of this.liveWaiters.splice(0)) resolve();
  }

  private watchConnection(): void {
    const status = this.nc.status();
    this.stopStatus = () => (status as Partial<{ stop(): void }>).stop?.();
    void (async () => {
      for await (const s of status) {
        if (s.type === 'disconnect') {
          this.isLive = false;
          this.logger.warn(
            `disconnected from NATS (${s.server}): ${Subjects.eventsOfType(this.type)} events stored meanwhile are read on reconnect`,
          );
        } else if (s.type === 'reconnect') this.catchUp();
      }
    })().catch(() => undefined);
  }
}
