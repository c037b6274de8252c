import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { EventEnvelope, JobEventType } from '@crux/contracts';
import { closeNats, connectNats, jetstreamManager, type JetStreamManager, type NatsConnection, type PubAck } from '@crux/messaging';
import { JobEventPublisher } from './event-publisher.js';

/**
 * The gateway's one NATS connection and its JetStream clients. Tracks whether the connection
 * is up (for /readyz) and drains it when the app shuts down — after the HTTP server has
 * closed, so in-flight submits still get their PubAck.
 */
export class NatsService implements OnApplicationShutdown {
  private readonly logger = new Logger('Nats');
  /** Job events published in one turn of the event loop share one socket write (see JobEventPublisher). */
  private readonly events: JobEventPublisher;
  private jsmPromise: Promise<JetStreamManager> | undefined;
  private up = true;

  private constructor(readonly nc: NatsConnection) {
    this.events = new JobEventPublisher(nc);
    void this.watchStatus();
  }

  /** Publishes a job event to the JOBS stream (Nats-Msg-Id = event id) and resolves with its PubAck. */
  publishEvent(event: EventEnvelope<JobEventType>): Promise<PubAck> {
    return this.events.publish(event);
  }

  static async connect(url: string): Promise<NatsService> {
    return new NatsService(await connectNats({ url, name: 'crux-gateway' }));
  }

  get connected(): boolean {
    return this.up && !this.nc.isClosed();
  }

  jsm(): Promise<JetStreamManager> {
    this.jsmPromise ??= jetstreamManager(this.nc).catch((error: unknown) => {
      this.jsmPromise = undefined;
      throw error;
    });
    return this.jsmPromise;
  }

  private async watchStatus(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'disconnect') {
        this.up = false;
        this.logger.warn(`disconnected from ${status.server}`);
      } else if (status.type === 'reconnect') {
        this.up = true;
        this.logger.log(`reconnected to ${status.server}`);
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await closeNats(this.nc);
  }
}
