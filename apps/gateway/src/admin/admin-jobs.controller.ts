import { Body, Controller, Delete, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { JobIdParam, ReasonBody, Role, type JobView } from '@crux/contracts';
import { Roles } from '../auth/auth.decorators.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { API_PREFIX } from '../http/api-paths.js';
import { noQuery } from '../http/query-reader.js';
import { OptionalBodyPipe, ValidPipe } from '../validation/valid.pipe.js';
import { AdminJobsService } from './admin-jobs.service.js';

/** Restore and legal hold. The body `{reason}` is optional on each. */
@Controller(`${API_PREFIX}/admin/jobs`)
@Roles(Role.Operator)
export class AdminJobsController {
  constructor(private readonly jobs: AdminJobsService) {}

  @Post(':id/restore')
  @HttpCode(200)
  restore(
    @Param(ValidPipe) params: JobIdParam,
    @Query() query: Record<string, unknown>,
    @Body(OptionalBodyPipe) body: ReasonBody,
    @CurrentPrincipal() principal: Principal,
  ): Promise<JobView> {
    noQuery(query);
    return this.jobs.restore(params.id, body, principal);
  }

  @Put(':id/hold')
  hold(
    @Param(ValidPipe) params: JobIdParam,
    @Query() query: Record<string, unknown>,
    @Body(OptionalBodyPipe) body: ReasonBody,
    @CurrentPrincipal() principal: Principal,
  ): Promise<JobView> {
    noQuery(query);
    return this.jobs.hold(params.id, body, principal);
  }

  @Delete(':id/hold')
  release(
    @Param(ValidPipe) params: JobIdParam,
    @Query() query: Record<string, unknown>,
    @Body(OptionalBodyPipe) body: ReasonBody,
    @CurrentPrincipal() principal: Principal,
  ): Promise<JobView> {
    noQuery(query);
    return this.jobs.release(params.id, body, principal);
  }
}
