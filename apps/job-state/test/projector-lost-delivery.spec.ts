/**
 * A delivery to the projector lost on the wire (its connection dropped with the message in
 * flight, as when the NATS node it went through is killed) comes back only after ack_wait,
 * behind the events that followed it. Applied in that order, a job's `completed` would be
 * refused from `pending` (acked: never again) and its late `started` would leave it `running`
 * for good. The projector must apply them in stream order.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { ConsumerName, loadSettings, RedisKeys, StreamName, type Settings } from '@crux/contracts';
import {
  closeNats,
  connectNats,
  ensureJobsStream,
  jetstream,
  jetstreamManager,
  publishEvent,
  type JetStreamManager,
  type NatsConnection,
} from '@crux/messaging';
import { startNats, startRedis, TcpProxy, waitFor, type TestServer } from '@crux/test-harness';
import type { INestApplicationContext } from '@nestjs/common';
import { Redis } from 'ioredis';
import { startJobStateApp } from '../src/job-state-app.js';
import { Projector } from '../src/projector/projector.service.js';
import { jobEvents } from './support/job-events.js';
import { TEST_TTLS } from './support/job-state-harness.js';

describe('a delivery to the projector lost on the wire', () => {
  let nats: TestServer;
  let redisServer: TestServer;
  let proxy: TcpProxy;
  let app: INestApplicationContext;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let redis: Redis;

  beforeAll(async () => {
    [nats, redisServer] = await Promise.all([startNats(), startRedis()]);
    proxy = await TcpProxy.start(nats.port);
    nc = await connectNats({ url: nats.url, name: 'lost-delivery-spec' });
    jsm = await jetstreamManager(nc);
    const settings: Settings = loadSettings({
      NATS_URL: proxy.url,
      REDIS_URL: redisServer.url,
      CRUX_ARCHIVE_RETENTION_S: '3600',
      ...TEST_TTLS,
    });
    await ensureJobsStream(jsm, settings);
    app = await startJobStateApp(settings, process.env.CRUX_TEST_VERBOSE ? ['error', 'warn', 'log', 'debug'] : false);
    redis = new Redis(redisServer.url);
  });

  afterAll(async () => {
    await app?.close();
    redis?.disconnect();
    await closeNats(nc);
    await proxy?.close();
    await nats?.stop();
    await redisServer?.stop();
  });

  const status = (id: string) => redis.hget(RedisKeys.job(id), 'status');
  const rewinds = () => app.get(Projector).stats.rewinds;

  it('applies the events after it only once it is back, in stream order', async () => {
    const js = jetstream(nc);
    const rewound = rewinds();
    const id = randomUUID();
    const events = jobEvents(id, 'alice', new Date());
    await publishEvent(js, events.created());
    await waitFor(async () => (await status(id)) === 'pending', { what: 'the job pending', timeoutMs: 15_000 });

    // `started` is delivered into a connection that then drops: it never arrives.
    proxy.hold();
    const started = await publishEvent(js, events.started());
    await waitFor(async () => (await jsm.consumers.info(StreamName.Jobs, ConsumerName.Projector)).delivered.stream_seq >= started.seq, {
      what: 'started to be delivered',
      timeoutMs: 15_000,
    });
    proxy.cut();
    proxy.release();
    proxy.restore();

    await publishEvent(js, events.completed());
    // Well inside the projector's ack_wait (30 s): the lost `started` is not simply redelivered.
    await waitFor(async () => (await status(id)) === 'completed', { what: 'the job completed', timeoutMs: 20_000, intervalMs: 100 });
    expect(await status(id)).toBe('completed');
    expect(rewinds()).toBe(rewound + 1);
  }, 60_000);
});
