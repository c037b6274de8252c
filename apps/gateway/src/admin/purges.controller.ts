import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { PlanIdParam, PurgeConfirmBody, PurgePlanBody, Role, type PurgePlanView, type PurgeProgress } from '@crux/contracts';
import { Roles } from '../auth/auth.decorators.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { API_PREFIX } from '../http/api-paths.js';
import { noQuery } from '../http/query-reader.js';
import { ValidPipe } from '../validation/valid.pipe.js';
import { PurgesService } from './purges.service.js';

@Controller(`${API_PREFIX}/admin/purges`)
@Roles(Role.Operator)
export class PurgesController {
  constructor(private readonly purges: PurgesService) {}

  /** 201: the plan (count, sample, confirm token); nothing is deleted yet. */
  @Post()
  plan(@Body(ValidPipe) body: PurgePlanBody, @Query() query: Record<string, unknown>, @CurrentPrincipal() principal: Principal): Promise<PurgePlanView> {
    noQuery(query);
    return this.purges.plan(body, principal);
  }

  /** 202: the purge runs in the background; GET the plan for its progress. */
  @Post(':plan_id/confirm')
  @HttpCode(202)
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
  status(@Param(ValidPipe) params: PlanIdParam, @Query() query: Record<string, unknown>): Promise<PurgeProgress> {
    noQuery(query);
    return this.purges.status(params.plan_id);
  }
}
