import type { Provider } from '@nestjs/common';
import type { Settings } from '@crux/contracts';
import type { JetStreamManager } from '@crux/messaging';
import type { Redis } from 'ioredis';
import { OwnDeletions } from '../expiry/own-deletions.js';
import { Projector } from '../projector/projector.service.js';
import { JobWriter } from '../redis/job-writer.js';
import { Tokens } from '../tokens.js';
import { JobsStreamReader } from './jobs-stream-reader.js';
import { ProjectionWatch } from './projection-watch.js';
import { pauseByStopping, type ProjectorPause } from './projector-pause.js';
import { RebuildRequests } from './rebuild-requests.js';
import { RebuildStore } from './rebuild-store.js';
import { StateRebuilder } from './state-rebuilder.js';

/** How the rebuild holds the projector still; a lease-aware implementation can be provided in its place. */
export const PROJECTOR_PAUSE = Symbol('ProjectorPause');

/** The rebuild from JOBS, wired: the rebuilder, its watch on Redis, its requests. */
export function rebuildProviders(settings: Settings): Provider[] {
  return [
    { provide: PROJECTOR_PAUSE, useFactory: (projector: Projector) => pauseByStopping(projector), inject: [Projector] },
    { provide: RebuildStore, useFactory: (redis: Redis) => new RebuildStore(redis), inject: [Tokens.QueryRedis] },
    { provide: JobsStreamReader, useFactory: (jsm: JetStreamManager) => new JobsStreamReader(jsm), inject: [Tokens.JetStreamManager] },
    {
      provide: StateRebuilder,
      useFactory: (
        redis: Redis,
        writer: JobWriter,
        reader: JobsStreamReader,
        store: RebuildStore,
        pause: ProjectorPause,
        own: OwnDeletions,
      ) => new StateRebuilder(settings, redis, writer, reader, store, pause, own),
      inject: [Tokens.ProjectorRedis, JobWriter, JobsStreamReader, RebuildStore, PROJECTOR_PAUSE, OwnDeletions],
    },
    {
      provide: ProjectionWatch,
      useFactory: (redis: Redis, store: RebuildStore, reader: JobsStreamReader, rebuilder: StateRebuilder, pause: ProjectorPause) =>
        new ProjectionWatch(redis, store, reader, rebuilder, pause),
      inject: [Tokens.QueryRedis, RebuildStore, JobsStreamReader, StateRebuilder, PROJECTOR_PAUSE],
    },
    { provide: RebuildRequests, useFactory: (rebuilder: StateRebuilder) => new RebuildRequests(rebuilder), inject: [StateRebuilder] },
  ];
}
