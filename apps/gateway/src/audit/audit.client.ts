import { Inject, Injectable } from '@nestjs/common';
import { Subjects, type AuditPage, type AuditQuery, type ChainVerdict, type Reply } from '@crux/contracts';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import type { ClientNats } from '@nestjs/microservices';
import { SERVICES_CLIENT, ServiceClient } from '../nats/service-client.js';

/** Asks the audit service (queue group `audit`, through the gateway's ClientProxy) about the deletion trail. No answer is a 503. */
@Injectable()
export class AuditClient {
  private readonly client: ServiceClient;

  constructor(
    @Inject(SERVICES_CLIENT) client: ClientNats,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.client = new ServiceClient(client, 'audit service');
  }

  query(query: AuditQuery): Promise<AuditPage> {
    return this.client.ask<AuditQuery, AuditPage>(Subjects.auditQuery, query, this.config.settings.requestTimeoutMs);
  }

  /** Re-hashes the whole chain: a verdict with ok false is still an answer, not an error. */
  verify(): Promise<ChainVerdict> {
    return this.client.ask<Record<string, never>, ChainVerdict>(Subjects.auditVerify, {}, this.config.verifyTimeoutMs);
  }

  /** The raw reply, for readiness: any answer proves the audit service is up. */
  reply<Q, A>(subject: string, request: Q, timeoutMs: number): Promise<Reply<A>> {
    return this.client.reply<Q, A>(subject, request, timeoutMs);
  }
}
