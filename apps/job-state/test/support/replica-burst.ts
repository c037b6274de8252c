/**
 * What the specs running several job-state replicas share: their own NATS and Redis with the
 * clients a test needs, a burst of whole job lifecycles whose events lie far apart in JOBS,
 * and the check that every job of it ended completed with its events applied in order.
 */
import { randomUUID } from 'node:crypto';
import { ConsumerName, RedisKeys, StreamName, type JobEvent } from '@crux/contracts';
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
import { jobEvents } from './job-events.js';

/** A private NATS and Redis for replicas to share, and the test's own connections to them. */
export interface SharedServers {
  nats: TestServer;
  redisServer: TestServer;
  nc: NatsConnection;
  jsm: JetStreamManager;
  redis: Redis;
  /** Waits until the projector has acked everything up to `seq`. */
  projected(seq: number, timeoutMs?: number): Promise<void>;
  /** Closes the connections, then stops the servers. */
  close(): Promise<void>;
}

/** Starts the servers; replicas are the spec's to start (in-process or built), after this. */
export async function startSharedServers(clientName: string): Promise<SharedServers> {
  const [nats, redisServer] = await Promise.all([startNats(), startRedis()]);
  const nc = await connectNats({ url: nats.url, name: clientName });
  const jsm = await jetstreamManager(nc);
  const redis = new Redis(redisServer.url);
  return {
    nats,
    redisServer,
    nc,
    jsm,
    redis,
    async projected(seq, timeoutMs = 30_000) {
      await waitFor(async () => (await jsm.consumers.info(StreamName.Jobs, ConsumerName.Projector)).ack_floor.stream_seq >= seq, {
        what: `the projector to ack stream sequence ${seq}`,
        timeoutMs,
      });
    },
    async close() {
      await closeNats(nc);
      redis.disconnect();
      await nats.stop();
      await redisServer.stop();
    },
  };
}

/**
 * `count` jobs, each created, started, half done and completed, published round by round
 * (every created, then every started, …), so one job's events lie far apart in the stream
 * and are spread over the replicas of a round-robin delivery.
 */
export class LifecycleBurst {
  readonly ids: string[];
  private readonly rounds: ((id: string) => JobEvent)[];
  /** Each job's last event's stream sequence, once its last round is published. */
  readonly lastSeq = new Map<string, number>();

  constructor(count: number, owner: string) {
    this.ids = Array.from({ length: count }, () => randomUUID());
    this.rounds = [
      (id) => jobEvents(id, owner).created(),
      (id) => jobEvents(id, owner).started(),
      (id) => jobEvents(id, owner).progress(0.5),
      (id) => jobEvents(id, owner).completed(),
    ];
  }

  get roundCount(): number {
    return this.rounds.length;
  }

  /** Publishes rounds `from` to `to` (exclusive), all without waiting; answers their acks round by round. */
  async publish(nc: NatsConnection, from = 0, to = this.rounds.length): Promise<PubAck[][]> {
    const js = jetstream(nc);
    const acks = await Promise.all(
      this.rounds.slice(from, to).map((round) => Promise.all(this.ids.map((id) => publishEvent(js, round(id))))),
    );
    if (to === this.rounds.length && acks.length > 0) this.ids.forEach((id, i) => this.lastSeq.set(id, acks[acks.length - 1][i].seq));
    return acks;
  }

  /** The highest stream sequence of the burst (after the last round is published). */
  get lastSequence(): number {
    return Math.max(...this.lastSeq.values());
  }

  /** The jobs not completed at their last event's version with a start time: empty when all went right. */
  async wronglyEnded(redis: Redis): Promise<{ id: string; status: string | null; version: string | null }[]> {
    const jobs = await Promise.all(this.ids.map((id) => redis.hmget(RedisKeys.job(id), 'status', 'version', 'started_at')));
    return jobs
      .map(([status, version, startedAt], i) => ({ id: this.ids[i], status, version, startedAt }))
      .filter(({ id, status, version, startedAt }) => status !== 'completed' || Number(version) !== this.lastSeq.get(id) || !startedAt)
      .map(({ id, status, version }) => ({ id, status, version }));
  }
}
