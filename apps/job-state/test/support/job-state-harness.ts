import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { ConsumerName, loadSettings, StreamName, type JobEvent, type Settings } from '@crux/contracts';
import {
  closeNats,
  connectNats,
  jetstream,
  jetstreamManager,
  publishEvent,
  type JetStreamManager,
  type NatsConnection,
  type PubAck,
} from '@crux/messaging';
import { startNats, startRedis, waitFor, type TestServer } from '@crux/test-harness';
import { Redis } from 'ioredis';
import { JobStateModule } from '../../src/job-state.module.js';
import { Projector } from '../../src/projector/projector.service.js';

/** Distinct TTLs, so a test can tell which one a key got. */
export const TEST_TTLS = { CRUX_TTL_ACTIVE_S: '1000', CRUX_TTL_COMPLETED_S: '5000', CRUX_TTL_FAILED_S: '3000', CRUX_TTL_CANCELLED_S: '2000' };

/** A private NATS and Redis with job-state running in-process, plus the clients a test needs. */
export interface JobStateRig {
  nats: TestServer;
  redisServer: TestServer;
  settings: Settings;
  app: INestApplicationContext;
  projector: Projector;
  /** The test's own connections, apart from the service's. */
  nc: NatsConnection;
  jsm: JetStreamManager;
  redis: Redis;
  publish(event: JobEvent): Promise<PubAck>;
  /** Waits until the projector has acked everything up to `seq` (applied, stale or rejected). */
  projected(seq: number): Promise<void>;
  close(): Promise<void>;
}

export async function startJobState(): Promise<JobStateRig> {
  const nats = await startNats();
  const redisServer = await startRedis();
  const settings = loadSettings({ NATS_URL: nats.url, REDIS_URL: redisServer.url, CRUX_ARCHIVE_RETENTION_S: '3600', ...TEST_TTLS });
  const app = await NestFactory.createApplicationContext(JobStateModule.forRoot(settings), {
    logger: process.env.CRUX_TEST_VERBOSE ? ['error', 'warn', 'log', 'debug'] : false,
  });
  const nc = await connectNats({ url: nats.url, name: 'job-state-spec' });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const redis = new Redis(redisServer.url);
  let closed = false;
  return {
    nats,
    redisServer,
    settings,
    app,
    projector: app.get(Projector),
    nc,
    jsm,
    redis,
    publish: (event) => publishEvent(js, event),
    async projected(seq) {
      await waitFor(
        async () => (await jsm.consumers.info(StreamName.Jobs, ConsumerName.Projector)).ack_floor.stream_seq >= seq,
        { what: `the projector to ack stream sequence ${seq}`, timeoutMs: 30_000 },
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await closeNats(nc);
      redis.disconnect();
      await nats.stop();
      await redisServer.stop();
    },
  };
}
