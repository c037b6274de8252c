import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  PlanIdParam,
  PurgeConfirmBody,
  PurgePlanBody,
  Role,
  TERMINAL_STATUSES,
  type PurgePlanView,
  type PurgeProgress,
} from '@crux/contracts';
import { Roles } from '../auth/auth.decorators.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { API_PREFIX } from '../http/api-paths.js';
import { noQuery } from '../http/query-reader.js';
import { ApiAnswer, ApiIdParam, ApiOp, ApiRefusal, ApiRefusals } from '../docs/api-responses.js';
import { ValidPipe } from '../validation/valid.pipe.js';
import { PurgesService } from './purges.service.js';

@Controller(`${API_PREFIX}/admin/purges`)
@Roles(Role.Operator)
export class PurgesController {
  constructor(private readonly purges: PurgesService) {}

  /** 201: the plan (count, sample, confirm token); nothing is deleted yet. */
  @Post()
  @ApiOp(
    'planPurge',
    'admin',
    'Plan a purge',
    'Step one of two. Freezes the exact list of live jobs matching every filter given (at least one; never a job on hold) and ' +
      'answers with its count, a sample and a confirm token that expires. Nothing is deleted yet. Pending and running jobs are ' +
      `never purged: a \`status\` filter naming them is refused (cancel them first), and without one the plan takes only ${TERMINAL_STATUSES.join(', ')} jobs.`,
  )
  @ApiAnswer(201, 'The plan.', 'PurgePlan')
  @ApiRefusals(502, 503)
  @ApiRefusal(413, 'Request body larger than CRUX_MAX_BODY_BYTES, or a plan too large to pass on in one NATS message (a long id list).')
  plan(
    @Body(ValidPipe) body: PurgePlanBody,
    @Query() query: Record<string, unknown>,
    @CurrentPrincipal() principal: Principal,
  ): Promise<PurgePlanView> {
    noQuery(query);
    return this.purges.plan(body, principal);
  }

  /** 202: the purge runs in the background; GET the plan for its progress. */
  @Post(':plan_id/confirm')
  @HttpCode(202)
  @ApiOp(
    'confirmPurge',
    'admin',
    'Confirm a purge',
    'Step two. Deletes exactly the jobs the plan froze (skipping any put on hold or already gone since), in batches, in the ' +
      'background. Each deletion keeps the job restorable from the event log (its own history, or a snapshot for an old job; ' +
      'nothing with `erase`) and is recorded in the trail.',
  )
  @ApiIdParam('plan_id')
  @ApiAnswer(202, 'Confirmed: the purge runs; follow it with GET on the plan.', 'PurgeProgress')
  @ApiRefusal(403, "The key's role is not operator, or the confirm token is not this plan's.")
  @ApiRefusal(404, 'No such plan.')
  @ApiRefusal(409, 'The plan was already confirmed.')
  @ApiRefusal(410, 'The plan expired before it was confirmed: plan again.')
  @ApiRefusals(502, 503)
  confirm(
    @Param(ValidPipe) params: PlanIdParam,
    @Body(ValidPipe) body: PurgeConfirmBody,
    @Query() query: Record<string, unknown>,
    @CurrentPrincipal() principal: Principal,
  ): Promise<PurgeProgress> {
    noQuery(query);
    return this.purges.confirm(params.plan_id, body, principal);
  }

  @Get(':plan_id')
  @ApiOp('getPurge', 'admin', 'Purge progress', 'The plan and, once confirmed, how far its purge has got.')
  @ApiIdParam('plan_id')
  @ApiAnswer(200, 'The plan and its progress.', 'PurgeProgress')
  @ApiRefusal(404, 'No such plan.')
  @ApiRefusals(502, 503)
  status(@Param(ValidPipe) params: PlanIdParam, @Query() query: Record<string, unknown>): Promise<PurgeProgress> {
    noQuery(query);
    return this.purges.status(params.plan_id);
  }
}
