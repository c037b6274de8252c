import { Injectable } from '@nestjs/common';
import type { PurgeConfirmBody, PurgePlanBody, PurgePlanView, PurgeProgress } from '@crux/contracts';
import { actorOf, type Principal } from '../auth/principal.js';
import { JobStateClient } from '../jobs/job-state.client.js';
import { purgePlanRequest } from './purge-plan-request.js';

/**
 * Operator purges, in job-state's two steps: a plan freezes the ids and hands out a confirm
 * token; confirming with that token deletes exactly those ids. job-state owns the plans and
 * their refusals (wrong token 403, expired 410, confirmed twice 409, unknown 404).
 */
@Injectable()
export class PurgesService {
  constructor(private readonly state: JobStateClient) {}

  plan(body: PurgePlanBody, principal: Principal): Promise<PurgePlanView> {
    return this.state.purgePlan(purgePlanRequest(body, actorOf(principal)));
  }

  confirm(planId: string, body: PurgeConfirmBody, principal: Principal): Promise<PurgeProgress> {
    return this.state.purgeConfirm({ actor: actorOf(principal), plan_id: planId, confirm_token: body.confirm_token });
  }

  status(planId: string): Promise<PurgeProgress> {
    return this.state.purgeStatus({ plan_id: planId });
  }
}
