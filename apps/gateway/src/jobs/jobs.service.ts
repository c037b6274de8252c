import { Injectable } from '@nestjs/common';
import type { JobView, ListJobsReply } from '@crux/contracts';
import { ownerScope, type Principal } from '../auth/principal.js';
import { JobStateClient } from './job-state.client.js';
import type { ListQuery } from './list-query.js';

@Injectable()
export class JobsService {
  constructor(private readonly state: JobStateClient) {}

  get(jobId: string, principal: Principal): Promise<JobView> {
    const owner = ownerScope(principal);
    return this.state.get(owner === undefined ? { job_id: jobId } : { job_id: jobId, owner });
  }

  list(query: ListQuery, principal: Principal): Promise<ListJobsReply> {
    const owner = ownerScope(principal);
    return this.state.list({ ...query, ...(owner === undefined ? {} : { owner }) });
  }
}
