import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { RebuildTrigger, RedisKeys } from '@crux/contracts';
import type { Redis } from 'ioredis';
import { JOB_STATE_ACTOR } from '../domain/index.js';
import { Ticker } from '../util/ticker.js';
import type { JobsStreamReader } from './jobs-stream-reader.js';
import type { ProjectorPause } from './projector-pause.js';
import type { RebuildStore } from './rebuild-store.js';
import type { StateRebuilder } from './state-rebuilder.js';

/** How often the sentinel is looked for: one EXISTS, so a FLUSHALL is noticed within about this long. */
export const PROJECTION_CHECK_MS = 1000;

/**
 * Notices that Redis lost the live state and has it rebuilt. Redis keeps nothing on disk, so
 * a restart or a FLUSHALL leaves it empty while JOBS still holds every event: the sign is the
 * projection's sentinel (`jobs:projection`) missing. Looked for at start (before the
 * projector runs and requests are served), whenever the connection to Redis is ready again,
 * and every PROJECTION_CHECK_MS. With JOBS empty there is nothing to rebuild: the sentinel
 * is simply written.
 */
export class ProjectionWatch {
  private readonly logger = new Logger(ProjectionWatch.name);
  private readonly ticker: Ticker;
  private readonly onReady = () => void this.ticker.runNow().catch(() => undefined);
  private watching = false;

  constructor(
    private readonly redis: Redis,
    private readonly store: RebuildStore,
    private readonly reader: JobsStreamReader,
    private readonly rebuilder: StateRebuilder,
    private readonly projector: ProjectorPause,
  ) {
    this.ticker = new Ticker(
      () => this.check(false),
      PROJECTION_CHECK_MS,
      (error) => this.logger.warn(`could not check Redis for the projection: ${(error as Error)?.message ?? String(error)}`),
    );
  }

  /** At start: rebuilds, and waits for it, when Redis holds no projection while JOBS holds events. */
  async atStart(): Promise<void> {
    await this.check(true);
  }

  start(): void {
    if (this.watching) return;
    this.watching = true;
    this.redis.on('ready', this.onReady);
    this.ticker.start();
  }

  async stop(): Promise<void> {
    this.watching = false;
    this.redis.off('ready', this.onReady);
    await this.ticker.stop();
  }

  private async check(wait: boolean): Promise<void> {
    // With several replicas, the one running the projector rebuilds: only it can hold the projector still.
    if (this.rebuilder.current || !this.projector.here || (await this.store.hasSentinel())) return;
    const { messages } = await this.reader.bounds();
    if (messages === 0) {
      await this.store.markComplete(randomUUID(), null);
      this.logger.log(`a fresh projection: JOBS is empty, nothing to rebuild (${RedisKeys.projection} written)`);
      return;
    }
    this.logger.warn(
      `Redis holds no ${RedisKeys.projection}: it lost the live state (restarted without persistence, or flushed) while JOBS holds ${messages} events; rebuilding`,
    );
    const args = { trigger: RebuildTrigger.RedisEmpty, actor: JOB_STATE_ACTOR, reason: `Redis held no ${RedisKeys.projection}` };
    if (wait) {
      await this.rebuilder.rebuild(args);
      return;
    }
    await this.rebuilder.begin(args);
  }
}
