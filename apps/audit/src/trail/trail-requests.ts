import { apiError, QueueGroup, Subjects, type AuditPage, type ChainVerdict, type Reply } from '@crux/contracts';
import { serveJson, type NatsConnection } from '@crux/messaging';
import type { Subscription } from '@nats-io/transport-node';
import { parseTrailQuery } from '../domain/index.js';
import type { TrailReader } from './trail-reader.js';
import type { WriterLogger } from './trail-writer.js';

/** Answers `audit.query` and `audit.verify` in queue group `audit`, shared by replicas. */
export class TrailRequests {
  private subs: Subscription[] = [];

  constructor(
    private readonly nc: NatsConnection,
    private readonly reader: TrailReader,
    private readonly logger: WriterLogger,
  ) {}

  start(): void {
    if (this.subs.length > 0) return;
    const onError = (error: unknown) => this.logger.error(`answering a trail request failed: ${(error as Error).stack ?? String(error)}`);
    this.subs = [
      serveJson<unknown, AuditPage>(this.nc, Subjects.auditQuery, QueueGroup.Audit, (request) => this.query(request), onError),
      serveJson<unknown, ChainVerdict>(this.nc, Subjects.auditVerify, QueueGroup.Audit, async () => ({ ok: true, value: await this.reader.verify() }), onError),
    ];
  }

  /** Stops taking requests; those being answered finish. Safe twice. */
  async stop(): Promise<void> {
    const subs = this.subs;
    this.subs = [];
    await Promise.all(subs.map((s) => s.drain().catch(() => undefined)));
  }

  async query(request: unknown): Promise<Reply<AuditPage>> {
    const parsed = parseTrailQuery(request);
    if (!parsed.ok) return { ok: false, error: apiError(400, 'Bad Request', parsed.message) };
    return { ok: true, value: await this.reader.query(parsed.query) };
  }
}
