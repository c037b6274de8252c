import { Body, Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import { JobIdParam, ReasonBody, Role, type JobView, type ListJobsReply } from '@crux/contracts';
import { Roles } from '../auth/auth.decorators.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { API_PREFIX } from '../http/api-paths.js';
import { OptionalBodyPipe, ValidPipe } from '../validation/valid.pipe.js';
import { cancelReason } from './cancel-reason.js';
import { JobCancelService } from './job-cancel.service.js';
import { JobsService } from './jobs.service.js';
import { parseListQuery } from './list-query.js';

@Controller(`${API_PREFIX}/jobs`)
@Roles(Role.Submitter, Role.Operator)
export class JobsController {
  constructor(
    private readonly jobs: JobsService,
    private readonly cancels: JobCancelService,
  ) {}

  @Get()
  list(@Query() query: Record<string, unknown>, @CurrentPrincipal() principal: Principal): Promise<ListJobsReply> {
    return this.jobs.list(parseListQuery(query), principal);
  }

  @Get(':id')
  get(@Param(ValidPipe) params: JobIdParam, @CurrentPrincipal() principal: Principal): Promise<JobView> {
    return this.jobs.get(params.id, principal);
  }

  /** Cancel: the job's owner or an operator. 202 with the job once job-state shows it cancelled. */
  @Delete(':id')
  @HttpCode(202)
  cancel(
    @Param(ValidPipe) params: JobIdParam,
    @Query() query: Record<string, unknown>,
    @Body(OptionalBodyPipe) body: ReasonBody,
    @CurrentPrincipal() principal: Principal,
  ): Promise<JobView> {
    return this.cancels.cancel(params.id, cancelReason(body, query), principal);
  }
}
