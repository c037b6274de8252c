import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { RedisKeys } from '@crux/contracts';
import type { Redis } from 'ioredis';
import type { Projector, ProjectorLease } from '../projector/projector.service.js';
import { Ticker } from '../util/ticker.js';

/** A leader that stops renewing (killed, frozen, cut off from Redis) is replaced after this long. */
export const PROJECTOR_LEASE_MS = 5_000;
/** How often the leader renews and a standby tries to take over. */
const CAMPAIGN_EVERY_MS = 1_000;
/** Setting a lease this short is how its holder gives it up (hold-lease-1.lua only lets the holder). */
const RELEASE_MS = 1;

/**
 * Only one job-state replica runs the projector: the one holding a short Redis lease
 * (`job-state:projector:lease`). Two replicas sharing the durable consumer would apply one
 * job's events in two processes at once, and a `completed` applied before its `started` is
 * rejected for good. The lease lives in the Redis the projector writes to, so a replica that
 * cannot reach Redis could not apply anything anyway.
 *
 * The leader renews every second and also confirms the lease right before each batch (the
 * projector's fence), so a replica that lost it stops before writing. A standby tries every
 * second; it takes over within PROJECTOR_LEASE_MS + 1 s of the leader dying, at once when the
 * leader stops cleanly (it releases the lease). Taking over starts the projector, which
 * rewinds the consumer to its ack floor first (Projector.start).
 *
 * Every other duty of job-state (requests, expiry sweep, deletion detection, revoke watch,
 * purges) runs on every replica: their events carry deterministic ids, so two replicas
 * publishing the same fact store it once.
 */
export class ProjectorLeadership implements ProjectorLease {
  private readonly logger = new Logger(ProjectorLeadership.name);
  /** Readable in the lease key, to tell which replica leads. */
  readonly holderId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  private leader = false;
  private readonly ticker: Ticker;
  /** Transitions (take over, step down, stop) run one at a time, in order. */
  private transitions: Promise<void> = Promise.resolve();
  private stopped = true;

  constructor(
    /** The projector's own connection: the fence and the batch it guards go out in order. */
    private readonly redis: Redis,
    private readonly projector: Projector,
  ) {
    this.ticker = new Ticker(() => this.campaign(), CAMPAIGN_EVERY_MS, (error) =>
      this.logger.warn(`projector lease: ${(error as Error)?.message ?? String(error)}; trying again`),
    );
  }

  /** True while this replica holds the lease (and so runs the projector, unless paused). */
  get held(): boolean {
    return this.leader;
  }

  /** Tries for the lease at once, then keeps trying (or renewing) in the background. */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.projector.useLease(this);
    await this.campaign().catch((error: unknown) =>
      this.logger.warn(`projector lease not taken at start (${(error as Error)?.message}); trying again every ${CAMPAIGN_EVERY_MS} ms`),
    );
    this.ticker.start();
  }

  /** Stops the projector if it runs here and hands the lease over at once. Safe twice. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.ticker.stop();
    await this.serially(async () => {
      if (!this.leader) return;
      await this.projector.stop();
      this.leader = false;
      await this.redis.holdLease(RedisKeys.projectorLease, this.holderId, String(RELEASE_MS)).catch(() => undefined);
      this.logger.log('projector lease released');
    });
  }

  /** The projector's fence: renews the lease, false when another replica holds it now. */
  async confirm(): Promise<boolean> {
    const held = await this.hold();
    if (!held && this.leader) void this.serially(() => this.stepDown());
    return held;
  }

  private async campaign(): Promise<void> {
    if (this.stopped) return;
    const held = await this.hold();
    await this.serially(async () => {
      if (this.stopped) return;
      if (held && !this.leader) await this.takeOver();
      else if (!held && this.leader) await this.stepDown();
    });
  }

  private async hold(): Promise<boolean> {
    return Number(await this.redis.holdLease(RedisKeys.projectorLease, this.holderId, String(PROJECTOR_LEASE_MS))) === 1;
  }

  private async takeOver(): Promise<void> {
    this.leader = true;
    try {
      await this.projector.start();
      this.logger.log(`holding the projector lease (${this.holderId}): projecting JOBS into Redis`);
    } catch (error) {
      // Give it up rather than hold it idle: a standby (or the next campaign here) tries again.
      this.leader = false;
      await this.projector.stop().catch(() => undefined);
      await this.redis.holdLease(RedisKeys.projectorLease, this.holderId, String(RELEASE_MS)).catch(() => undefined);
      throw error;
    }
  }

  private async stepDown(): Promise<void> {
    if (!this.leader) return;
    this.leader = false;
    this.logger.warn('another replica holds the projector lease now: projector stopped here');
    await this.projector.stop();
  }

  private serially(step: () => Promise<void>): Promise<void> {
    const next = this.transitions.then(step);
    this.transitions = next.catch(() => undefined);
    return next;
  }
}
