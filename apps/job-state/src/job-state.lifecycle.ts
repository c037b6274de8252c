import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Settings } from '@crux/contracts';
import { closeNats, ensureJobsStream, type JetStreamManager, type NatsConnection, type RpcServer } from '@crux/messaging';
import type { Redis } from 'ioredis';
import { DeletionDetector, RECONCILE_EVERY_MS } from './expiry/deletion-detector.js';
import { RevokeWatcher } from './expiry/revoke-watcher.js';
import { ProjectorLeadership } from './leadership/projector-leadership.js';
import { PurgeService } from './purge/purge.service.js';
import { ProjectionWatch } from './rebuild/projection-watch.js';
import { StateRebuilder } from './rebuild/state-rebuilder.js';
import { closeRedis } from './redis/connect-redis.js';
import { enableKeyspaceNotifications } from './redis/keyspace-notifications.js';
import { Tokens } from './tokens.js';

/**
 * Starts and stops the service in one place, in an order Nest's parallel hooks would not
 * guarantee: provision, consume, watch, then serve requests; then stop serving and watching,
 * stop consuming, close connections.
 */
@Injectable()
export class JobStateLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('JobState');
  private closed = false;
  private resumeTimer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(Tokens.Settings) private readonly settings: Settings,
    @Inject(Tokens.Nats) private readonly nc: NatsConnection,
    @Inject(Tokens.JetStreamManager) private readonly jsm: JetStreamManager,
    @Inject(Tokens.ProjectorRedis) private readonly projectorRedis: Redis,
    @Inject(Tokens.QueryRedis) private readonly queryRedis: Redis,
    @Inject(ProjectorLeadership) private readonly leadership: ProjectorLeadership,
    @Inject(Tokens.Requests) private readonly requests: RpcServer | null,
    @Inject(DeletionDetector) private readonly detector: DeletionDetector,
    @Inject(RevokeWatcher) private readonly revokes: RevokeWatcher,
    @Inject(PurgeService) private readonly purges: PurgeService,
    @Inject(ProjectionWatch) private readonly projection: ProjectionWatch,
    @Inject(StateRebuilder) private readonly rebuilder: StateRebuilder,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await enableKeyspaceNotifications(this.queryRedis, this.logger);
    // A restarted Redis comes back with its configured flags, without ours.
    this.queryRedis.on('ready', () => void enableKeyspaceNotifications(this.queryRedis, this.logger));
    await ensureJobsStream(this.jsm, this.settings);
    // The replica holding the lease provisions the projector consumer and consumes.
    await this.leadership.start();
    // Redis that lost the live state (restart without persistence, FLUSHALL) gets it back from JOBS before anything is served.
    await this.projection.atStart();
    // Requests are answered once this hook returns (job-state-app.ts: listen() follows).
    this.projection.start();
    await this.detector.start();
    this.revokes.start();
    this.purges.start();
    // Purges confirmed before a restart go on; a replica that died hands its plans over.
    await this.purges.resume();
    this.resumeTimer = setInterval(() => void this.purges.resume().catch(() => undefined), RECONCILE_EVERY_MS);
    this.resumeTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.resumeTimer) clearInterval(this.resumeTimer);
    // Nothing new is asked of this replica; answers being prepared go out.
    await this.requests?.close();
    await Promise.all([this.projection.stop(), this.rebuilder.stop(), this.detector.stop(), this.revokes.stop(), this.purges.stop()]);
    await this.leadership.stop();
    await closeNats(this.nc);
    await Promise.all([closeRedis(this.projectorRedis), closeRedis(this.queryRedis)]);
    this.logger.log('stopped: requests answered, projector stopped, NATS drained, Redis closed');
  }
}
