import type { INestApplicationContext } from '@nestjs/common';
import type { ClientNats } from '@nestjs/microservices';
import {
  ConsumerName,
  loadSettings,
  StreamName,
  Subjects,
  type JobDeleted,
  type JobEvent,
  type JobEventType,
  type Reply,
  type Settings,
} from '@crux/contracts';
import {
  closeNats,
  connectNats,
  createRpcClient,
  jetstream,
  jetstreamManager,
  publishEvent,
  requestReply,
  type JetStreamManager,
  type NatsConnection,
  type PubAck,
} from '@crux/messaging';
import { startNats, startRedis, waitFor, type TestServer } from '@crux/test-harness';
import { Redis } from 'ioredis';
import { DeletionDetector } from '../../src/expiry/deletion-detector.js';
import { startJobStateApp } from '../../src/job-state-app.js';
import { Projector } from '../../src/projector/projector.service.js';
import { PurgeService } from '../../src/purge/purge.service.js';

/** Distinct TTLs, so a test can tell which one a key got; a grace Redis's own TTL adds on top. */
export const TEST_TTLS = {
  CRUX_TTL_ACTIVE_S: '1000',
  CRUX_TTL_COMPLETED_S: '5000',
  CRUX_TTL_FAILED_S: '3000',
  CRUX_TTL_CANCELLED_S: '2000',
  CRUX_EXPIRY_GRACE_S: '7',
  // Suites that watch revokes set their own; elsewhere a cancelled running job waits quietly.
  CRUX_REVOKE_CONFIRM_MS: '600000',
};

export interface StoredJobEvent {
  seq: number;
  subject: string;
  event: JobEvent;
}

/** A private NATS and Redis with job-state running in-process, plus the clients a test needs. */
export interface JobStateRig {
  nats: TestServer;
  redisServer: TestServer;
  settings: Settings;
  /** The running service; replaced by startService(). */
  app: INestApplicationContext;
  projector: Projector;
  detector: DeletionDetector;
  purges: PurgeService;
  /** The test's own connections, apart from the service's. */
  nc: NatsConnection;
  /** Asks `job.state.*` as the gateway does, through Nest's NATS client. */
  client: ClientNats;
  jsm: JetStreamManager;
  redis: Redis;
  publish(event: JobEvent): Promise<PubAck>;
  /** A request to job-state, answered within 30 s (ServiceUnavailableError otherwise). */
  request<A>(subject: string, payload: unknown): Promise<Reply<A>>;
  /** Waits until the projector has acked everything up to `seq` (applied, stale or rejected). */
  projected(seq: number): Promise<void>;
  /** Every stored event of one job (`job.*.<id>`), read with direct gets as the service does. */
  history(jobId: string): Promise<StoredJobEvent[]>;
  /** Every stored `job.<type>.<id>`. */
  eventsOf(type: JobEventType, jobId: string): Promise<StoredJobEvent[]>;
  deletions(jobId: string): Promise<{ seq: number; event: JobDeleted }[]>;
  /** Stops the service (its connections close); the servers keep running. */
  stopService(): Promise<void>;
  startService(): Promise<void>;
  close(): Promise<void>;
}

function startApp(settings: Settings): Promise<INestApplicationContext> {
  return startJobStateApp(settings, process.env.CRUX_TEST_VERBOSE ? ['error', 'warn', 'log', 'debug'] : false);
}

export async function startJobState(env: Record<string, string> = {}): Promise<JobStateRig> {
  const nats = await startNats();
  const redisServer = await startRedis();
  const settings = loadSettings({
    NATS_URL: nats.url,
    REDIS_URL: redisServer.url,
    CRUX_ARCHIVE_RETENTION_S: '3600',
    ...TEST_TTLS,
    ...env,
  });
  let app: INestApplicationContext | null = await startApp(settings);
  const nc = await connectNats({ url: nats.url, name: 'job-state-spec' });
  const client = createRpcClient({ url: nats.url, name: 'job-state-spec-client' });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const redis = new Redis(redisServer.url);
  let closed = false;

  const readAll = async (filter: string): Promise<StoredJobEvent[]> => {
    const out: StoredJobEvent[] = [];
    for (let seq = 1; ;) {
      const msg = await jsm.direct.getMessage(StreamName.Jobs, { seq, next_by_subj: filter });
      if (!msg) return out;
      out.push({ seq: msg.seq, subject: msg.subject, event: msg.json<JobEvent>() });
      seq = msg.seq + 1;
    }
  };

  const rig: JobStateRig = {
    nats,
    redisServer,
    settings,
    app,
    projector: app.get(Projector),
    detector: app.get(DeletionDetector),
    purges: app.get(PurgeService),
    nc,
    client,
    jsm,
    redis,
    publish: (event) => publishEvent(js, event),
    request: (subject, payload) => requestReply(client, subject, payload, 30_000),
    async projected(seq) {
      await waitFor(async () => (await jsm.consumers.info(StreamName.Jobs, ConsumerName.Projector)).ack_floor.stream_seq >= seq, {
        what: `the projector to ack stream sequence ${seq}`,
        timeoutMs: 30_000,
      });
    },
    history: (jobId) => readAll(Subjects.jobHistory(jobId)),
    eventsOf: (type, jobId) => readAll(Subjects.jobEvent(type, jobId)),
    async deletions(jobId) {
      return (await readAll(Subjects.jobEvent('deleted', jobId))).map(({ seq, event }) => ({ seq, event: event as JobDeleted }));
    },
    async stopService() {
      await app?.close();
      app = null;
    },
    async startService() {
      if (app) return;
      app = await startApp(settings);
      rig.app = app;
      rig.projector = app.get(Projector);
      rig.detector = app.get(DeletionDetector);
      rig.purges = app.get(PurgeService);
    },
    async close() {
      if (closed) return;
      closed = true;
      await app?.close();
      await client.close();
      await closeNats(nc);
      redis.disconnect();
      await nats.stop();
      await redisServer.stop();
    },
  };
  return rig;
}
