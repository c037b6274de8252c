import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { StreamName, type Settings } from '@crux/contracts';
import {
  closeNats,
  ensureConsumer,
  ensureJobsStream,
  projectorConsumerConfig,
  type JetStreamManager,
  type NatsConnection,
} from '@crux/messaging';
import type { Redis } from 'ioredis';
import { Projector } from './projector/projector.service.js';
import { closeRedis } from './redis/connect-redis.js';
import { enableKeyspaceNotifications } from './redis/keyspace-notifications.js';
import { StateRequests } from './requests/state-requests.service.js';
import { Tokens } from './tokens.js';

/**
 * Starts and stops the service in one place, in an order Nest's parallel hooks would not
 * guarantee: provision, consume, serve; then stop serving, stop consuming, close connections.
 */
@Injectable()
export class JobStateLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('JobState');
  private closed = false;

  constructor(
    @Inject(Tokens.Settings) private readonly settings: Settings,
    @Inject(Tokens.Nats) private readonly nc: NatsConnection,
    @Inject(Tokens.JetStreamManager) private readonly jsm: JetStreamManager,
    @Inject(Tokens.ProjectorRedis) private readonly projectorRedis: Redis,
    @Inject(Tokens.QueryRedis) private readonly queryRedis: Redis,
    @Inject(Projector) private readonly projector: Projector,
    @Inject(StateRequests) private readonly requests: StateRequests,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await enableKeyspaceNotifications(this.queryRedis, this.logger);
    // A restarted Redis comes back with its configured flags, without ours.
    this.queryRedis.on('ready', () => void enableKeyspaceNotifications(this.queryRedis, this.logger));
    await ensureJobsStream(this.jsm, this.settings);
    await ensureConsumer(this.jsm, StreamName.Jobs, projectorConsumerConfig());
    await this.projector.start();
    this.requests.start();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.requests.stop();
    await this.projector.stop();
    await closeNats(this.nc);
    await Promise.all([closeRedis(this.projectorRedis), closeRedis(this.queryRedis)]);
    this.logger.log('stopped: requests answered, projector stopped, NATS drained, Redis closed');
  }
}
