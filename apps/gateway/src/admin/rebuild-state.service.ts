import { Injectable } from '@nestjs/common';
import type { RebuildProgress, RebuildRequest, ReasonBody } from '@crux/contracts';
import { actorOf, type Principal } from '../auth/principal.js';
import { JobStateClient } from '../jobs/job-state.client.js';

/**
 * Operators rebuild job-state's live state from JOBS. job-state owns the rebuild and its
 * refusals (409 naming the one already running, 404 when none is recorded).
 */
@Injectable()
export class RebuildStateService {
  constructor(private readonly state: JobStateClient) {}

  start(body: ReasonBody, principal: Principal): Promise<RebuildProgress> {
    const request: RebuildRequest = { actor: actorOf(principal), ...(body.reason ? { reason: body.reason } : {}) };
    return this.state.rebuild(request);
  }

  status(): Promise<RebuildProgress> {
    return this.state.rebuildStatus();
  }
}
