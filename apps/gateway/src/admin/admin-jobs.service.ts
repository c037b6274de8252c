import { Injectable } from '@nestjs/common';
import type { JobCommandRequest, JobView, ReasonBody } from '@crux/contracts';
import { actorOf, type Principal } from '../auth/principal.js';
import { JobStateClient } from '../jobs/job-state.client.js';

/**
 * Operator commands on one job, carried out by job-state: restore from the archive (409 when
 * the job is live, 410 when erased, 404 beyond retention) and legal hold and its release.
 */
@Injectable()
export class AdminJobsService {
  constructor(private readonly state: JobStateClient) {}

  restore(jobId: string, body: ReasonBody, principal: Principal): Promise<JobView> {
    return this.state.restore(command(jobId, body, principal));
  }

  hold(jobId: string, body: ReasonBody, principal: Principal): Promise<JobView> {
    return this.state.hold(command(jobId, body, principal));
  }

  release(jobId: string, body: ReasonBody, principal: Principal): Promise<JobView> {
    return this.state.release(command(jobId, body, principal));
  }
}

function command(jobId: string, body: ReasonBody, principal: Principal): JobCommandRequest {
  const request: JobCommandRequest = { actor: actorOf(principal), job_id: jobId };
  if (body.reason) request.reason = body.reason;
  return request;
}
