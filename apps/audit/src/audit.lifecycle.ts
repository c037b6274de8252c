import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Settings } from '@crux/contracts';
import {
  closeNats,
  ensureAuditStream,
  ensureAuditConsumers,
  ensureJobsStream,
  jetstreamManager,
  type NatsConnection,
  type RpcServer,
} from '@crux/messaging';
import { Tokens } from './tokens.js';
import { Recorder } from './trail/recorder.js';
import { enforceTrailGuards } from './trail/trail-guards.js';
import { TrailWriter } from './trail/trail-writer.js';

/**
 * Starts and stops the service in one place, in an order Nest's parallel hooks would not
 * guarantee: provision, load the trail's tail, record, then serve requests (audit-app.ts);
 * then stop serving, finish the append in flight, drain NATS.
 */
@Injectable()
export class AuditLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Audit');
  private closed = false;

  constructor(
    @Inject(Tokens.Settings) private readonly settings: Settings,
    @Inject(Tokens.Nats) private readonly nc: NatsConnection,
    @Inject(TrailWriter) private readonly writer: TrailWriter,
    @Inject(Recorder) private readonly recorder: Recorder,
    @Inject(Tokens.Requests) private readonly requests: RpcServer | null,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    await ensureJobsStream(jsm, this.settings);
    await ensureAuditStream(jsm, this.settings);
    const tightened = await enforceTrailGuards(jsm, this.settings.streamReplicas);
    if (tightened.length > 0) this.logger.warn(`the AUDIT stream allowed its records to be removed; set ${tightened.join(', ')} back`);
    const legacy = await ensureAuditConsumers(jsm);
    if (legacy) this.logger.warn(legacy);
    await this.writer.open();
    const tail = this.writer.tail;
    this.logger.log(`trail loaded: ${tail.seq} records, tail ${tail.hash.slice(0, 12)}…`);
    await this.recorder.start();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Nothing new is asked of this replica; answers being prepared go out.
    await this.requests?.close();
    await this.recorder.stop();
    await closeNats(this.nc);
    this.logger.log('stopped: requests answered, in-flight records appended, NATS drained');
  }
}
