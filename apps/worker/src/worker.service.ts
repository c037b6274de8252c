import { Inject, Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Settings } from '@crux/contracts';
import { StreamName } from '@crux/contracts';
import {
  closeNats,
  connectNats,
  ensureConsumer,
  ensureJobsStream,
  jetstreamManager,
  workersConsumerConfig,
  type NatsConnection,
} from '@crux/messaging';
import { JobConsumer } from './consumer/job-consumer.js';
import { WorkerPool } from './pool/worker-pool.js';
import { TEST_CHILD_IGNORES_SIGTERM, childArgsFor, readTestKnobs } from './test-knobs.js';
import { workerLogger } from './worker-logger.js';
import { WORKER_SETTINGS } from './worker-settings.js';

/**
 * Owns the worker's resources: the NATS connection, the pool of children and the queue
 * consumer. Up once bootstrap returns; on shutdown, stops pulling, lets running jobs finish
 * within the revoke grace or hands them back (a cancelled job is settled, not handed back),
 * kills the children, records the revokes still due, drains NATS.
 */
@Injectable()
export class WorkerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Worker');
  private nc: NatsConnection | undefined;
  private pool: WorkerPool | undefined;
  private consumer: JobConsumer | undefined;

  constructor(@Inject(WORKER_SETTINGS) private readonly settings: Settings) {}

  async onApplicationBootstrap(): Promise<void> {
    const s = this.settings;
    this.nc = await connectNats({ url: s.natsUrl, name: 'crux-worker' });
    const jsm = await jetstreamManager(this.nc);
    await ensureJobsStream(jsm, s);
    await ensureConsumer(jsm, StreamName.Jobs, workersConsumerConfig(s));

    const knobs = readTestKnobs(process.env);
    if (knobs.childIgnoresSigterm) {
      this.logger.warn(
        `TEST KNOB ${TEST_CHILD_IGNORES_SIGTERM}=1: pool children ignore SIGTERM, so every revoke ends in SIGKILL after ${s.revokeGraceMs} ms`,
      );
    }
    const logger = workerLogger(this.logger, s.logLevel);
    this.pool = new WorkerPool({ size: s.workerConcurrency, childArgs: childArgsFor(knobs), logger });
    await this.pool.start();
    this.consumer = new JobConsumer({
      nc: this.nc,
      pool: this.pool,
      workerId: s.workerId,
      maxAttempts: s.maxAttempts,
      ackWaitMs: s.ackWaitMs,
      revokeGraceMs: s.revokeGraceMs,
      timeLimits: { softTimeLimitS: s.softTimeLimitS, hardTimeLimitS: s.hardTimeLimitS },
      logger,
    });
    await this.consumer.start();
    this.logger.log(
      `worker ${s.workerId}: pool of ${s.workerConcurrency} (pids ${this.pool.pids().join(', ')}), consuming ${StreamName.Jobs}`,
    );
  }

  /** The worker's NATS connection, for its health checks; there once the app has started. */
  natsConnection(): NatsConnection {
    if (!this.nc) throw new Error('the worker has not started: no NATS connection yet');
    return this.nc;
  }

  async beforeApplicationShutdown(): Promise<void> {
    const grace = this.settings.revokeGraceMs;
    await this.consumer?.stop(grace);
    await this.pool?.close(grace);
    await this.consumer?.idle();
    await closeNats(this.nc);
    this.logger.log('stopped');
  }
}
