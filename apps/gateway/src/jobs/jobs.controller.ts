import { Controller, Get, Param, Query } from '@nestjs/common';
import { JobIdParam, Role, type JobView, type ListJobsReply } from '@crux/contracts';
import { Roles } from '../auth/auth.decorators.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { API_PREFIX } from '../http/api-paths.js';
import { ValidPipe } from '../validation/valid.pipe.js';
import { JobsService } from './jobs.service.js';
import { parseListQuery } from './list-query.js';

@Controller(`${API_PREFIX}/jobs`)
@Roles(Role.Submitter, Role.Operator)
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Get()
  list(@Query() query: Record<string, unknown>, @CurrentPrincipal() principal: Principal): Promise<ListJobsReply> {
    return this.jobs.list(parseListQuery(query), principal);
  }

  @Get(':id')
  get(@Param(ValidPipe) params: JobIdParam, @CurrentPrincipal() principal: Principal): Promise<JobView> {
    return this.jobs.get(params.id, principal);
  }
}
