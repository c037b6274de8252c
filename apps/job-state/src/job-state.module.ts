import { Logger, Module, type DynamicModule } from '@nestjs/common';
import type { Settings } from '@crux/contracts';
import { connectNats, jetstreamManager, type JetStreamManager, type NatsConnection, type RpcServer } from '@crux/messaging';
import type { Redis } from 'ioredis';
import { EventPublisher } from './events/event-publisher.js';
import { JobHistory } from './events/job-history.js';
import { DeletionDetector } from './expiry/deletion-detector.js';
import { OwnDeletions } from './expiry/own-deletions.js';
import { RevokeWatcher } from './expiry/revoke-watcher.js';
import { JobStateLifecycle } from './job-state.lifecycle.js';
import { ProjectorLeadership } from './leadership/projector-leadership.js';
import { Projector } from './projector/projector.service.js';
import { BatchDeleter } from './purge/batch-deleter.js';
import { ContentEraser } from './purge/content-eraser.js';
import { PurgeExecutor } from './purge/purge-executor.js';
import { PurgeService } from './purge/purge.service.js';
import { PurgeStore } from './purge/purge-store.js';
import { rebuildProviders } from './rebuild/rebuild.providers.js';
import { connectRedis } from './redis/connect-redis.js';
import { JobReader } from './redis/job-reader.js';
import { JudgedMark } from './verdicts/judged-mark.js';
import { ProjectorProgress } from './verdicts/projector-progress.js';
import { VerdictsService } from './verdicts/verdicts.service.js';
import { JobWriter } from './redis/job-writer.js';
import { JobCommands } from './requests/job-commands.js';
import { JobQueries } from './requests/job-queries.js';
import { StateRequestsController } from './requests/state-requests.controller.js';
import { Tokens } from './tokens.js';

export const SERVICE_NAME = 'crux-job-state';

/**
 * job-state: projects JOBS into Redis, records every way a job leaves it (expiry, purge,
 * outside deletion) as events, and answers state queries and operator commands over NATS.
 */
/** How long a verdicts request waits for the projector to judge its events before answering 503. */
const VERDICTS_WAIT_MS = 5_000;

@Module({})
export class JobStateModule {
  /** `rpc`: the transport the requests controller is served on (job-state-app.ts); none where a test runs no requests. */
  static forRoot(settings: Settings, rpc: RpcServer | null = null): DynamicModule {
    const logger = new Logger('Redis');
    return {
      module: JobStateModule,
      controllers: [StateRequestsController],
      providers: [
        { provide: Tokens.Settings, useValue: settings },
        { provide: Tokens.Requests, useValue: rpc },
        { provide: Tokens.Nats, useFactory: () => connectNats({ url: settings.natsUrl, name: SERVICE_NAME }) },
        { provide: Tokens.JetStreamManager, useFactory: (nc: NatsConnection) => jetstreamManager(nc), inject: [Tokens.Nats] },
        {
          provide: Tokens.ProjectorRedis,
          useFactory: () => connectRedis({ url: settings.redisUrl, name: `${SERVICE_NAME}-projector`, logger }),
        },
        { provide: Tokens.QueryRedis, useFactory: () => connectRedis({ url: settings.redisUrl, name: SERVICE_NAME, logger }) },
        { provide: EventPublisher, useFactory: (nc: NatsConnection) => new EventPublisher(nc), inject: [Tokens.Nats] },
        { provide: JobHistory, useFactory: (jsm: JetStreamManager) => new JobHistory(jsm), inject: [Tokens.JetStreamManager] },
        { provide: JobWriter, useFactory: (redis: Redis) => new JobWriter(redis, settings), inject: [Tokens.ProjectorRedis] },
        { provide: JobReader, useFactory: (redis: Redis) => new JobReader(redis), inject: [Tokens.QueryRedis] },
        {
          provide: JobQueries,
          useFactory: (reader: JobReader, history: JobHistory, jsm: JetStreamManager) => new JobQueries(reader, history, jsm, settings),
          inject: [JobReader, JobHistory, Tokens.JetStreamManager],
        },
        {
          provide: JobCommands,
          useFactory: (reader: JobReader, queries: JobQueries, history: JobHistory, publisher: EventPublisher) =>
            new JobCommands(reader, queries, history, publisher, settings),
          inject: [JobReader, JobQueries, JobHistory, EventPublisher],
        },
        {
          provide: PurgeService,
          useFactory: (redis: Redis, reader: JobReader, history: JobHistory, publisher: EventPublisher, jsm: JetStreamManager) => {
            const store = new PurgeStore(redis, settings.archiveRetentionS);
            const deleter = new BatchDeleter(publisher, new ContentEraser(reader, history, jsm), settings.archiveRetentionS);
            return new PurgeService(
              settings,
              store,
              publisher,
              new PurgeExecutor(store, redis, deleter, publisher, jsm, settings.purgeBatchSize),
            );
          },
          inject: [Tokens.QueryRedis, JobReader, JobHistory, EventPublisher, Tokens.JetStreamManager],
        },
        { provide: OwnDeletions, useValue: new OwnDeletions() },
        {
          provide: DeletionDetector,
          useFactory: (
            redis: Redis,
            reader: JobReader,
            writer: JobWriter,
            history: JobHistory,
            publisher: EventPublisher,
            own: OwnDeletions,
          ) => new DeletionDetector(settings, redis, reader, writer, history, publisher, own),
          inject: [Tokens.QueryRedis, JobReader, JobWriter, JobHistory, EventPublisher, OwnDeletions],
        },
        {
          provide: RevokeWatcher,
          useFactory: (redis: Redis, reader: JobReader, history: JobHistory, publisher: EventPublisher) =>
            new RevokeWatcher(settings, redis, reader, history, publisher),
          inject: [Tokens.QueryRedis, JobReader, JobHistory, EventPublisher],
        },
        { provide: JudgedMark, useValue: new JudgedMark() },
        Projector,
        {
          provide: ProjectorLeadership,
          useFactory: (redis: Redis, projector: Projector) => new ProjectorLeadership(redis, projector),
          inject: [Tokens.ProjectorRedis, Projector],
        },
        ...rebuildProviders(settings),
        {
          provide: VerdictsService,
          useFactory: (reader: JobReader, jsm: JetStreamManager, mark: JudgedMark) =>
            new VerdictsService(reader, new ProjectorProgress(jsm, mark), VERDICTS_WAIT_MS),
          inject: [JobReader, Tokens.JetStreamManager, JudgedMark],
        },
        JobStateLifecycle,
      ],
      exports: [Projector, ProjectorLeadership, JobWriter, JobReader, JobQueries, PurgeService, DeletionDetector, RevokeWatcher],
    };
  }
}
