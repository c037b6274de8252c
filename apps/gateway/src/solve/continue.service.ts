import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { ApiHttpError } from '../errors/api-http-error.js';
import { ApiLinks } from '../http/api-paths.js';
import { JobsService } from '../jobs/jobs.service.js';
import { continueDecision } from './continue-eligibility.js';
import { continuedEvent } from './created-event.js';
import type { SubmitAccepted } from './solve.controller.js';
import { SolveService } from './solve.service.js';

/** 202 body of POST /solve/continue/{id}: the submit's answer plus the origin. */
export interface ContinueAccepted extends SubmitAccepted {
  continued_from: string;
}

/**
 * POST /solve/continue/{id}: looks the origin up as GET /jobs/{id} does (another
 * submitter's job is a 404, a deleted one job-state's 410), refuses with a 409 naming why
 * when it cannot be continued, and records the new job with its seed.
 */
@Injectable()
export class ContinueService {
  constructor(
    private readonly jobs: JobsService,
    private readonly solve: SolveService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async continue(originId: string, additionalIterations: number, principal: Principal): Promise<ContinueAccepted> {
    const origin = await this.jobs.get(originId, principal);
    const decision = continueDecision(origin);
    if (!decision.ok) throw new ApiHttpError(409, decision.reason);
    const { event } = await this.solve.record(
      continuedEvent(origin, decision.seed, additionalIterations, principal, this.config.settings.provider),
    );
    return {
      job_id: event.job_id,
      status: 'pending',
      created_at: event.occurred_at,
      message: `job ${origin.job_id} continues as job ${event.job_id} with ${additionalIterations} more iteration(s); poll GET ${ApiLinks.job(event.job_id)} or follow ${ApiLinks.jobEvents(event.job_id)}`,
      continued_from: origin.job_id,
    };
  }
}
