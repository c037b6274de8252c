import { Body, Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import { JobIdParam, ReasonBody, Role, type JobView, type ListJobsReply } from '@crux/contracts';
import { Roles } from '../auth/auth.decorators.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { DEFAULT_CANCEL_WAIT_MS } from '../config/gateway-config.js';
import { ApiAnswer, ApiIdParam, ApiOp, ApiOptionalBody, ApiQueryParams, ApiRefusal, ApiRefusals } from '../docs/api-responses.js';
import { API_PREFIX } from '../http/api-paths.js';
import { OptionalBodyPipe, ValidPipe } from '../validation/valid.pipe.js';
import { CANCEL_QUERY, cancelReason } from './cancel-reason.js';
import { JobCancelService } from './job-cancel.service.js';
import { JobsService } from './jobs.service.js';
import { LIST_QUERY, parseListQuery } from './list-query.js';

@Controller(`${API_PREFIX}/jobs`)
@Roles(Role.Submitter, Role.Operator)
export class JobsController {
  constructor(
    private readonly jobs: JobsService,
    private readonly cancels: JobCancelService,
  ) {}

  @Get()
  @ApiOp('listJobs', 'jobs', 'List jobs', 'Newest first. Submitters see their own jobs; operators see every job.')
  @ApiQueryParams(LIST_QUERY)
  @ApiAnswer(200, 'A page of jobs.', 'JobList')
  @ApiRefusals(503)
  list(@Query() query: Record<string, unknown>, @CurrentPrincipal() principal: Principal): Promise<ListJobsReply> {
    return this.jobs.list(parseListQuery(query), principal);
  }

  @Get(':id')
  @ApiOp('getJob', 'jobs', 'Get a job')
  @ApiIdParam('id')
  @ApiAnswer(200, 'The job.', 'JobView')
  @ApiRefusals(404, 410, 503)
  get(@Param(ValidPipe) params: JobIdParam, @CurrentPrincipal() principal: Principal): Promise<JobView> {
    return this.jobs.get(params.id, principal);
  }

  /** Cancel: the job's owner or an operator. 202 with the job once job-state shows it cancelled. */
  @Delete(':id')
  @HttpCode(202)
  @ApiOp(
    'cancelJob',
    'jobs',
    'Cancel a job',
    "The job's owner or an operator. Records a `job.cancel` event with the caller as actor (the worker running the job stops " +
      `it and records the revoke), then waits up to ${DEFAULT_CANCEL_WAIT_MS / 1000} s for job-state to show the job cancelled. ` +
      'The key is kept: a cancelled job stays readable until its TTL. The reason goes in the JSON body `{reason}` or as ' +
      '`?reason=`, not both. A cancel that arrives while an earlier one is stored but not yet applied gets the same 202.',
  )
  @ApiIdParam('id')
  @ApiQueryParams(CANCEL_QUERY)
  @ApiOptionalBody('why the job is cancelled')
  @ApiAnswer(
    202,
    'Cancelled: the job with status `cancelled` and `completed_at` set. Should job-state not have applied the cancel within the ' +
      'wait, the job as last seen: the cancel is recorded and still takes effect.',
    'JobView',
  )
  @ApiRefusals(404, 410, 502, 503)
  @ApiRefusal(
    409,
    'The job already ended (completed, failed or cancelled), or finished before the cancel reached it: `job <id> is already <status>`.',
  )
  cancel(
    @Param(ValidPipe) params: JobIdParam,
    @Query() query: Record<string, unknown>,
    @Body(OptionalBodyPipe) body: ReasonBody,
    @CurrentPrincipal() principal: Principal,
  ): Promise<JobView> {
    return this.cancels.cancel(params.id, cancelReason(body, query), principal);
  }
}
