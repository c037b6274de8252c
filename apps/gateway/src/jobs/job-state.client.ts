import { Inject, Injectable } from '@nestjs/common';
import {
  Subjects,
  type GetJobRequest,
  type JobCommandRequest,
  type JobView,
  type ListJobsReply,
  type ListJobsRequest,
  type PurgeConfirmRequest,
  type PurgePlanRequest,
  type PurgePlanView,
  type PurgeProgress,
  type PurgeStatusRequest,
  type RebuildProgress,
  type RebuildRequest,
  type Reply,
} from '@crux/contracts';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import type { ClientNats } from '@nestjs/microservices';
import { SERVICES_CLIENT, ServiceClient } from '../nats/service-client.js';

/**
 * Asks job-state (its `@MessagePattern` handlers, queue group `job-state`, through the
 * gateway's ClientProxy) for jobs and gives it operator commands. An error reply is passed
 * through with the status job-state chose (404, 409, 410 …); no answer is a 503.
 */
@Injectable()
export class JobStateClient {
  private readonly client: ServiceClient;

  constructor(
    @Inject(SERVICES_CLIENT) client: ClientNats,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.client = new ServiceClient(client, 'job state service');
  }

  get(request: GetJobRequest, timeoutMs?: number): Promise<JobView> {
    return this.client.ask<GetJobRequest, JobView>(Subjects.stateGet, request, timeoutMs ?? this.readTimeout);
  }

  list(request: ListJobsRequest): Promise<ListJobsReply> {
    return this.client.ask<ListJobsRequest, ListJobsReply>(Subjects.stateList, request, this.readTimeout);
  }

  purgePlan(request: PurgePlanRequest): Promise<PurgePlanView> {
    return this.client.ask<PurgePlanRequest, PurgePlanView>(Subjects.statePurgePlan, request, this.config.commandTimeoutMs);
  }

  purgeConfirm(request: PurgeConfirmRequest): Promise<PurgeProgress> {
    return this.client.ask<PurgeConfirmRequest, PurgeProgress>(Subjects.statePurgeConfirm, request, this.config.commandTimeoutMs);
  }

  purgeStatus(request: PurgeStatusRequest): Promise<PurgeProgress> {
    return this.client.ask<PurgeStatusRequest, PurgeProgress>(Subjects.statePurgeStatus, request, this.readTimeout);
  }

  restore(request: JobCommandRequest): Promise<JobView> {
    return this.client.ask<JobCommandRequest, JobView>(Subjects.stateRestore, request, this.config.commandTimeoutMs);
  }

  hold(request: JobCommandRequest): Promise<JobView> {
    return this.client.ask<JobCommandRequest, JobView>(Subjects.stateHold, request, this.config.commandTimeoutMs);
  }

  release(request: JobCommandRequest): Promise<JobView> {
    return this.client.ask<JobCommandRequest, JobView>(Subjects.stateRelease, request, this.config.commandTimeoutMs);
  }

  rebuild(request: RebuildRequest): Promise<RebuildProgress> {
    return this.client.ask<RebuildRequest, RebuildProgress>(Subjects.stateRebuild, request, this.config.commandTimeoutMs);
  }

  rebuildStatus(): Promise<RebuildProgress> {
    return this.client.ask<Record<string, never>, RebuildProgress>(Subjects.stateRebuildStatus, {}, this.readTimeout);
  }

  /** The raw reply, for callers that only care that job-state answered at all (readiness). */
  reply<Q, A>(subject: string, request: Q, timeoutMs?: number): Promise<Reply<A>> {
    return this.client.reply<Q, A>(subject, request, timeoutMs ?? this.readTimeout);
  }

  private get readTimeout(): number {
    return this.config.settings.requestTimeoutMs;
  }
}
