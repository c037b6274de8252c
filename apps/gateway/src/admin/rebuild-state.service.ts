import { Inject, Injectable } from '@nestjs/common';
import { Subjects, type RebuildProgress, type RebuildRequest, type ReasonBody } from '@crux/contracts';
import { actorOf, type Principal } from '../auth/principal.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { NatsService } from '../nats/nats.service.js';
import { ServiceClient } from '../nats/service-client.js';

/**
 * Operators rebuild job-state's live state from JOBS. job-state owns the rebuild and its
 * refusals (409 naming the one already running, 404 when none is recorded).
 */
@Injectable()
export class RebuildStateService {
  private readonly client: ServiceClient;

  constructor(
    nats: NatsService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.client = new ServiceClient(() => nats.nc, 'job state service');
  }

  start(body: ReasonBody, principal: Principal): Promise<RebuildProgress> {
    const request: RebuildRequest = { actor: actorOf(principal), ...(body.reason ? { reason: body.reason } : {}) };
    return this.client.ask<RebuildRequest, RebuildProgress>(Subjects.stateRebuild, request, this.config.commandTimeoutMs);
  }

  status(): Promise<RebuildProgress> {
    return this.client.ask<Record<string, never>, RebuildProgress>(Subjects.stateRebuildStatus, {}, this.config.settings.requestTimeoutMs);
  }
}
