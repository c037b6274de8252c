import { Logger, Module, type DynamicModule } from '@nestjs/common';
import type { Settings } from '@crux/contracts';
import { connectNats, jetstreamManager, type JetStreamManager, type NatsConnection } from '@crux/messaging';
import type { Redis } from 'ioredis';
import { JobStateLifecycle } from './job-state.lifecycle.js';
import { Projector } from './projector/projector.service.js';
import { connectRedis } from './redis/connect-redis.js';
import { JobReader } from './redis/job-reader.js';
import { JobWriter } from './redis/job-writer.js';
import { JobQueries } from './requests/job-queries.js';
import { StateRequests } from './requests/state-requests.service.js';
import { Tokens } from './tokens.js';

export const SERVICE_NAME = 'crux-job-state';

/** job-state: projects JOBS into Redis and answers state queries over NATS. */
@Module({})
export class JobStateModule {
  static forRoot(settings: Settings): DynamicModule {
    const logger = new Logger('Redis');
    return {
      module: JobStateModule,
      providers: [
        { provide: Tokens.Settings, useValue: settings },
        { provide: Tokens.Nats, useFactory: () => connectNats({ url: settings.natsUrl, name: SERVICE_NAME }) },
        { provide: Tokens.JetStreamManager, useFactory: (nc: NatsConnection) => jetstreamManager(nc), inject: [Tokens.Nats] },
        {
          provide: Tokens.ProjectorRedis,
          useFactory: () => connectRedis({ url: settings.redisUrl, name: `${SERVICE_NAME}-projector`, logger }),
        },
        { provide: Tokens.QueryRedis, useFactory: () => connectRedis({ url: settings.redisUrl, name: SERVICE_NAME, logger }) },
        { provide: JobWriter, useFactory: (redis: Redis) => new JobWriter(redis), inject: [Tokens.ProjectorRedis] },
        { provide: JobReader, useFactory: (redis: Redis) => new JobReader(redis), inject: [Tokens.QueryRedis] },
        {
          provide: JobQueries,
          useFactory: (reader: JobReader, jsm: JetStreamManager) => new JobQueries(reader, jsm, settings),
          inject: [JobReader, Tokens.JetStreamManager],
        },
        Projector,
        StateRequests,
        JobStateLifecycle,
      ],
      exports: [Projector, JobWriter, JobReader, JobQueries],
    };
  }
}
