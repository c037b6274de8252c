import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { RedisKeys } from '@crux/contracts';
import type { Redis } from 'ioredis';
import type { Projector, ProjectorLease } from '../projector/projector.service.js';
import { assertNever } from '../domain/index.js';
import { Ticker } from '../util/ticker.js';
import { LeadershipStep, leadershipStep } from './leadership-step.js';

/** A leader that stops renewing (killed, frozen, cut off from Redis) is replaced after this long. */
export const PROJECTOR_LEASE_MS = 5_000;
/** How often the leader renews and a standby tries to take over. */
const CAMPAIGN_EVERY_MS = 1_000;
/** Setting a lease this short is how its holder gives it up (hold-projector-lease-3.lua only lets the holder). */
const RELEASE_MS = 1;

/**
 * Only one job-state replica runs the projector: the one holding a short Redis lease
 * (`job-state:projector:lease`). Two replicas sharing the durable consumer would apply one
 * job's events in two processes at once, and a `completed` applied before its `started` is
 * rejected for good. The lease lives in the Redis the projector writes to, so a replica that
 * cannot reach Redis could not apply anything anyway.
 *
 * The leader renews every second. A standby tries every second; it takes over within
 * PROJECTOR_LEASE_MS + 1 s of the leader dying, at once when the leader stops cleanly (it
 * releases the lease). Taking over begins a new term: a new epoch
 * (`job-state:projector:epoch`, see hold-projector-lease-3.lua) and the projector started,
 * which rewinds the consumer to its ack floor first (Projector.start).
 *
 * The fence is the epoch, not the lease: the projector writes every batch with the epoch of
 * the term it started in, and Redis refuses the batch, in the same script as its writes, once
 * the epoch is another (fenced/projector-fence.lua). A lease checked before the batch left a
 * window: a leader frozen for longer than the lease between check and EXEC wrote one batch
 * after another replica had taken over and rewound. The epoch, unlike the lease, is not
 * touched by renewals, so the leader's own renewals never refuse its batches, and no round
 * trip is spent per batch. A refused batch is not acked; the projector stops and this replica
 * becomes a standby (lost()).
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
  /** The term this replica leads in (hold-projector-lease-3.lua); null while standby. */
  private term: string | null = null;
  private readonly ticker: Ticker;
  /** Transitions (take over, step down, stop) run one at a time, in order. */
  private transitions: Promise<void> = Promise.resolve();
  private stopped = true;
  /**
   * This replica has stood by while another led. After Redis loses the lease and the epoch
   * together, such a standby waits a lease length before taking over (the live leader renews
   * first); a replica that never saw a leader (a first start) takes the lease at once.
   */
  private sawAnotherLeader = false;

  constructor(
    /** The projector's own connection. */
    private readonly redis: Redis,
    private readonly projector: Projector,
  ) {
    this.ticker = new Ticker(
      () => this.campaign(),
      CAMPAIGN_EVERY_MS,
      (error) => this.logger.warn(`projector lease: ${(error as Error)?.message ?? String(error)}; trying again`),
    );
  }

  /** True while this replica holds the lease (and so runs the projector, unless paused). */
  get held(): boolean {
    return this.leader;
  }

  /** The epoch of the term this replica leads in, which its projector writes under; null while standby. */
  get epoch(): string | null {
    return this.term;
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
      await this.release();
      this.logger.log('projector lease released');
    });
  }

  /**
   * The projector's word that Redis refused a batch of `epoch` (another replica took over):
   * stop projecting here and go back to standby; the campaign goes on as any standby's.
   */
  lost(epoch: string, reason: string): void {
    void this.serially(async () => {
      if (!this.leader || this.term !== epoch) return; // already handled, or a newer term
      await this.stepDown(`Redis refused the projector's writes of epoch ${epoch} (${reason})`);
    });
  }

  private async campaign(): Promise<void> {
    if (this.stopped) return;
    const epoch = await this.hold();
    if (epoch === '') this.sawAnotherLeader = true;
    await this.serially(async () => {
      if (this.stopped) return;
      const step = leadershipStep({ leading: this.leader, term: this.term }, epoch);
      switch (step) {
        case LeadershipStep.Stay:
          return;
        case LeadershipStep.TakeOver:
          return this.takeOver(epoch);
        case LeadershipStep.StepDown:
          return this.stepDown('another replica holds the projector lease now');
        case LeadershipStep.NewTerm:
          // Another replica led between two of our renewals (we were frozen): its rewind and
          // writes came after anything we hold, so start over from the ack floor.
          await this.stepDown(`another replica led in between (epoch ${epoch} follows ${this.term})`);
          return this.takeOver(epoch);
        default:
          return assertNever(step, 'leadership step');
      }
    });
  }

  /** The epoch this replica leads in after renewing or taking the lease; '' when another holds it. */
  private async hold(): Promise<string> {
    return String(
      await this.redis.holdProjectorLease(
        RedisKeys.projectorLease,
        RedisKeys.projectorEpoch,
        RedisKeys.projectorClaim,
        this.holderId,
        String(PROJECTOR_LEASE_MS),
        this.term ?? '',
        randomUUID().slice(0, 8),
        String(this.sawAnotherLeader ? PROJECTOR_LEASE_MS : 0),
      ),
    );
  }

  /** Lets the lease lapse at once (only the holder can); the epoch stays, so the next holder begins a new term. */
  private async release(): Promise<void> {
    const term = this.term;
    this.leader = false;
    this.term = null;
    await this.redis
      .holdProjectorLease(
        RedisKeys.projectorLease,
        RedisKeys.projectorEpoch,
        RedisKeys.projectorClaim,
        this.holderId,
        String(RELEASE_MS),
        term ?? '',
        randomUUID().slice(0, 8),
        '0',
      )
      .catch(() => undefined);
  }

  private async takeOver(epoch: string): Promise<void> {
    this.leader = true;
    this.term = epoch;
    try {
      await this.projector.start();
      this.logger.log(`holding the projector lease (${this.holderId}, epoch ${epoch}): projecting JOBS into Redis`);
    } catch (error) {
      // Give it up rather than hold it idle: a standby (or the next campaign here) tries again.
      await this.projector.stop().catch(() => undefined);
      await this.release();
      throw error;
    }
  }

  private async stepDown(why: string): Promise<void> {
    if (!this.leader) return;
    this.leader = false;
    this.term = null;
    this.logger.warn(`${why}: projector stopped here; standing by for the lease`);
    await this.projector.stop();
  }

  private serially(step: () => Promise<void>): Promise<void> {
    const next = this.transitions.then(step);
    this.transitions = next.catch(() => undefined);
    return next;
  }
}
