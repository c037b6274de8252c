import { Inject, Injectable } from '@nestjs/common';
import { Subjects, type GetJobRequest, type JobView, type ListJobsReply, type ListJobsRequest, type Reply } from '@crux/contracts';
import { requestJson, ServiceUnavailableError } from '@crux/messaging';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { ApiHttpError } from '../errors/api-http-error.js';
import { NatsService } from '../nats/nats.service.js';

/**
 * Asks job-state (core NATS request/reply, queue group `job-state`) for jobs. An error reply
 * is passed through with the status job-state chose (404, 410, …); no answer is a 503.
 */
@Injectable()
export class JobStateClient {
  constructor(
    private readonly nats: NatsService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  get(request: GetJobRequest, timeoutMs?: number): Promise<JobView> {
    return this.ask<GetJobRequest, JobView>(Subjects.stateGet, request, timeoutMs);
  }

  list(request: ListJobsRequest): Promise<ListJobsReply> {
    return this.ask<ListJobsRequest, ListJobsReply>(Subjects.stateList, request);
  }

  /** The raw reply, for callers that only care that job-state answered at all (readiness). */
  async reply<Q, A>(subject: string, request: Q, timeoutMs?: number): Promise<Reply<A>> {
    const timeout = timeoutMs ?? this.config.settings.requestTimeoutMs;
    try {
      return await requestJson<Q, A>(this.nats.nc, subject, request, timeout);
    } catch (error) {
      if (error instanceof ServiceUnavailableError) {
        throw new ApiHttpError(
          503,
          `the job state service did not answer ${subject} within ${timeout} ms; try again shortly`,
          undefined,
          { cause: error },
        );
      }
      throw error;
    }
  }

  private async ask<Q, A>(subject: string, request: Q, timeoutMs?: number): Promise<A> {
    const reply = await this.reply<Q, A>(subject, request, timeoutMs);
    if (reply?.ok === true) return reply.value;
    const error = reply?.ok === false ? reply.error : undefined;
    if (!error || !Number.isInteger(error.status_code) || error.status_code < 400 || error.status_code > 599) {
      throw new ApiHttpError(502, `the job state service gave an answer the gateway does not understand on ${subject}`);
    }
    throw ApiHttpError.fromApiError(error);
  }
}
