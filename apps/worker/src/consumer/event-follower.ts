/**
 * Follows one kind of job event in JOBS (every `job.cancel.*`, or every `job.deleted.*`) with
 * an ordered consumer that reads headers only: the subject names the job, `Nats-Msg-Id` is the
 * event's id. An ordered consumer resumes after the last message it delivered whenever it
 * loses its place (a reconnect, a server restart), so no event is missed however long the
 * worker was cut off; `live` says whether it has caught up with the stream since it last
 * could have fallen behind.
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

export class EventFollower {
  private consumer: OrderedConsumer | undefined;
  private messages: ConsumerMessages | undefined;
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
    this.consumer = await jetstream(this.nc).consumers.get(StreamName.Jobs, {
      filter_subjects: Subjects.eventsOfType(this.type),
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: Math.max(1, fromSeq),
      headers_only: true,
    });
    this.messages = await this.consumer.consume({ callback: (msg) => this.heard(msg) });
    this.watchConnection();
    await this.untilLive();
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
    const parsed = parseJobSubject(msg.subject);
    const eventId = msg.headers?.get('Nats-Msg-Id');
    if (parsed && eventId) this.onEvent({ jobId: parsed.jobId, eventId, seq: msg.seq });
    else this.logger.warn(`ignoring ${msg.subject} (stream seq ${msg.seq}): not a job event with an id`);
    if (msg.info.pending === 0) this.setLive();
  }

  /**
   * Asks the server how much is left to deliver; nothing left means every stored event has
   * reached the callback (deliveries come before the answer on the same connection).
   */
  private catchUp(): void {
    if (this.catchingUp || !this.consumer) return;
    this.catchingUp = (async () => {
      while (!this.isLive && !this.stopped) {
        try {
          const info = await this.consumer!.info(false);
          if (info.num_pending === 0) {
            this.setLive();
            return;
          }
        } catch (error) {
          this.logger.warn(`following ${Subjects.eventsOfType(this.type)}: ${(error as Error).message}; trying again`);
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })().finally(() => (this.catchingUp = null));
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
          this.logger.warn(`disconnected from NATS (${s.server}): ${Subjects.eventsOfType(this.type)} events stored meanwhile are read on reconnect`);
        } else if (s.type === 'reconnect') this.catchUp();
      }
    })().catch(() => undefined);
  }
}
