/**
 * Keeps pull requests outstanding on the workers queue for as many jobs as the worker has
 * room for, on one inbox for the worker's lifetime, instead of a fetch (a subscription, a pull
 * and an unsubscribe) per free child, and in batches rather than a request per freed child
 * (pullSize). Unlike the client's consume(), which asks for more as soon as messages arrive,
 * it asks only when the worker says it has room, so a busy worker never hoards jobs another
 * could run.
 *
 * A pull request lasts `expiresMs`; the server answers an expired one with 408 and how many
 * jobs it still owed. Heartbeats every `heartbeatMs` while a request waits: two missed (the
 * server dropped the requests, a failover), or a reconnect, and the worker asks again.
 * nats-server 2.9 sends no 408 for a request that expires just as a job arrives (the job goes
 * to the next request, or waits for one): at each heartbeat check the worker stops counting
 * jobs no request still alive can owe (owedCap) and asks again for its room.
 */
import { createInbox, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { ConsumerName, StreamName } from '@crux/contracts';
import type { PoolLogger } from '../pool/pool-types.js';
import { owedCap, type SentPull } from './owed-cap.js';
import { pullSize } from './pull-size.js';
import { WorkMessage } from './work-message.js';

export interface WorkPullerOptions {
  /** How long one pull request waits on the server. @defaultValue 30000 */
  expiresMs?: number;
  /** The server's heartbeat while a request waits. @defaultValue 5000 */
  heartbeatMs?: number;
  logger: PoolLogger;
}

const nanos = (ms: number) => ms * 1_000_000;
/** How long after its expiry a request sent may still be on its way to the server or its 408 to us. */
const TRIP_MARGIN_MS = 1000;

export class WorkPuller {
  private readonly inbox = createInbox();
  private readonly subject = `$JS.API.CONSUMER.MSG.NEXT.${StreamName.Jobs}.${ConsumerName.Workers}`;
  private sub: Subscription | undefined;
  /** Jobs asked for and not yet received. */
  private owed = 0;
  /** The requests sent that may still be waiting on the server, oldest first. */
  private sent: SentPull[] = [];
  private lastHeard = Date.now();
  private monitor: NodeJS.Timeout | undefined;
  private stopStatus: () => void = () => undefined;
  private stopped = false;

  constructor(
    private readonly nc: NatsConnection,
    /** Each job received. */
    private readonly onJob: (msg: WorkMessage) => void,
    /** The requests were lost (reconnect, missed heartbeats): the caller asks again with `want`. */
    private readonly onLost: () => void,
    private readonly options: WorkPullerOptions,
  ) {}

  start(): void {
    this.sub = this.nc.subscribe(this.inbox, {
      callback: (error, msg) => (error ? this.options.logger.error(`the job inbox failed: ${error.message}`) : this.received(msg)),
    });
    const hb = this.options.heartbeatMs ?? 5000;
    this.monitor = setInterval(() => {
      if (this.owed > 0 && Date.now() - this.lastHeard > 2 * hb) this.lost('two heartbeats missed');
      else this.forgetExpired();
    }, hb);
    const status = this.nc.status();
    this.stopStatus = () => (status as Partial<{ stop(): void }>).stop?.();
    void (async () => {
      for await (const s of status) if (s.type === 'reconnect') this.lost('reconnected');
    })().catch(() => undefined);
  }

  /** The worker has room for `room` more jobs than it holds: asks for what is not already asked for (see pullSize). */
  want(room: number): void {
    const more = pullSize(room, this.owed);
    if (this.stopped || more < 1) return;
    const hb = this.options.heartbeatMs ?? 5000;
    const request = { batch: more, expires: nanos(this.options.expiresMs ?? 30_000), idle_heartbeat: nanos(hb) };
    try {
      this.nc.publish(this.subject, JSON.stringify(request), { reply: this.inbox });
    } catch (error) {
      this.options.logger.warn(`asking for jobs failed: ${(error as Error).message}`);
      return;
    }
    if (this.owed === 0) this.lastHeard = Date.now();
    this.owed += more;
    this.sent.push({ at: Date.now(), batch: more });
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.monitor);
    this.stopStatus();
    this.sub?.unsubscribe();
  }

  private received(msg: Msg): void {
    this.lastHeard = Date.now();
    const code = msg.headers?.code ?? 0;
    if (code === 0 || code === 200) {
      this.owed = Math.max(0, this.owed - 1);
      let work: WorkMessage;
      try {
        work = new WorkMessage(msg);
      } catch (error) {
        this.options.logger.error(`dropping a message on the job inbox: ${(error as Error).message}`);
        return;
      }
      this.onJob(work);
      return;
    }
    if (code === 100) return;
    // 408 (expired) and 409 (a limit, a leadership change…) say how many jobs the request still owed.
    const left = Number(msg.headers?.get('Nats-Pending-Messages') ?? NaN);
    if (Number.isFinite(left) && left > 0) {
      this.owed = Math.max(0, this.owed - left);
      this.onLost();
      return;
    }
    if (code === 409) this.lost(`the server ended a pull: ${msg.headers?.description ?? code}`);
  }

  /** Jobs counted as owed by requests that are gone (expired without their 408) are owed by nobody: ask for them again. */
  private forgetExpired(): void {
    if (this.stopped || this.sent.length === 0) return;
    const { alive, cap } = owedCap(this.sent, Date.now(), (this.options.expiresMs ?? 30_000) + TRIP_MARGIN_MS);
    this.sent = alive;
    if (this.owed <= cap) return;
    this.owed = cap;
    this.onLost();
  }

  private lost(why: string): void {
    if (this.stopped) return;
    if (this.owed > 0 && why !== 'reconnected') this.options.logger.warn(`asking for jobs again: ${why}`);
    this.owed = 0;
    this.sent = [];
    this.lastHeard = Date.now();
    this.onLost();
  }
}
