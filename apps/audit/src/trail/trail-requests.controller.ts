import { Controller, Inject, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { apiError, Subjects, type AuditPage, type ChainVerdict, type Reply } from '@crux/contracts';
import { FaultAsReply } from '@crux/messaging';
import { parseTrailQuery } from '../domain/index.js';
import { TrailReader } from './trail-reader.js';

/**
 * `audit.query` and `audit.verify`, on Nest's NATS transport in queue group `audit`, shared
 * by the replicas (audit-app.ts). A handler that throws answers a 500.
 */
@Controller()
@UseFilters(new FaultAsReply('audit service'))
export class TrailRequestsController {
  constructor(@Inject(TrailReader) private readonly reader: TrailReader) {}

  @MessagePattern(Subjects.auditQuery)
  async query(@Payload() request: unknown): Promise<Reply<AuditPage>> {
    const parsed = parseTrailQuery(request);
    if (!parsed.ok) return { ok: false, error: apiError(400, 'Bad Request', parsed.message) };
    return { ok: true, value: await this.reader.query(parsed.query) };
  }

  @MessagePattern(Subjects.auditVerify)
  async verify(): Promise<Reply<ChainVerdict>> {
    return { ok: true, value: await this.reader.verify() };
  }
}
