import { Logger } from '@nestjs/common';
import { JobEventType, RedisKeys, type Settings } from '@crux/contracts';
import type { Redis } from 'ioredis';
import { revokeUnconfirmedEvent } from '../domain/index.js';
import type { EventPublisher } from '../events/event-publisher.js';
import type { JobHistory } from '../events/job-history.js';
import type { JobReader } from '../redis/job-reader.js';
import { forEachLimited } from '../util/for-each-limited.js';
import { Ticker } from '../util/ticker.js';

const BATCH = 100;

/**
 * A running job that was cancelled waits in revoke_pending for its worker's `revoked`. One
 * that waits past its deadline is recorded once as `revoke_unconfirmed` (naming the worker
 * that last started it), so a runaway task is never silent. The job stays cancelled; the
 * worker keeps trying, and its late `revoked` is recorded as usual.
 */
export class RevokeWatcher {
  private readonly logger = new Logger(RevokeWatcher.name);
  private readonly ticker: Ticker;
  readonly stats = { unconfirmed: 0 };

  constructor(
    private readonly settings: Settings,
    private readonly redis: Redis,
    private readonly reader: JobReader,
    private readonly history: JobHistory,
    private readonly publisher: EventPublisher,
  ) {
    const every = Math.max(settings.expirySweepMs, Math.min(1000, Math.floor(settings.revokeConfirmMs / 4)));
    this.ticker = new Ticker(
      () => this.sweep(),
      every,
      (error) => this.logger.error(`revoke sweep failed: ${(error as Error)?.message ?? String(error)}`),
    );
  }

  start(): void {
    this.ticker.start(true);
  }

  stop(): Promise<void> {
    return this.ticker.stop();
  }

  private async sweep(): Promise<void> {
    const now = await this.reader.nowMs();
    const overdue = await this.reader.due(RedisKeys.revokePending, now, BATCH);
    await forEachLimited(
      overdue,
      8,
      async ({ id, score }) => {
        const started = await this.history.last(JobEventType.Started, id);
        const waitedMs = this.settings.revokeConfirmMs + Math.max(0, now - score);
        await this.publisher.publish(revokeUnconfirmedEvent(id, started?.event.data.worker_id ?? null, waitedMs));
        // Once per job: a job is cancelled once, so it never waits again.
        await this.redis.zrem(RedisKeys.revokePending, id);
        this.stats.unconfirmed++;
        this.logger.warn(`job ${id}: no revoke confirmed within ${waitedMs} ms of its cancel; recorded revoke_unconfirmed`);
      },
      (entry, error) => this.logger.error(`job ${entry.id}: recording revoke_unconfirmed failed: ${(error as Error)?.message}`),
    );
  }
}
