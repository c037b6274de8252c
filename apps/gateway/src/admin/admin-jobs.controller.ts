import { Body, Controller, Delete, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { JobIdParam, ReasonBody, Role, type JobView } from '@crux/contracts';
import { Roles } from '../auth/auth.decorators.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { API_PREFIX } from '../http/api-paths.js';
import { noQuery } from '../http/query-reader.js';
import { ApiAnswer, ApiIdParam, ApiOp, ApiOptionalBody, ApiRefusal, ApiRefusals } from '../docs/api-responses.js';
import { OptionalBodyPipe, ValidPipe } from '../validation/valid.pipe.js';
import { AdminJobsService } from './admin-jobs.service.js';

/** Restore and legal hold. The body `{reason}` is optional on each. */
@Controller(`${API_PREFIX}/admin/jobs`)
@Roles(Role.Operator)
export class AdminJobsController {
  constructor(private readonly jobs: AdminJobsService) {}

  @Post(':id/restore')
  @HttpCode(200)
  @ApiOp(
    'restoreJob',
    'admin',
    'Restore a deleted job',
    "Brings a deleted job back as it was, rebuilt from its history in the event log (or the snapshot its deletion carried), within the archive's retention. Recorded in the trail.",
  )
  @ApiIdParam('id')
  @ApiOptionalBody('why the job is restored')
  @ApiAnswer(200, 'The job as restored.', 'JobView')
  @ApiRefusal(404, 'No archived copy of the job within retention.')
  @ApiRefusal(409, 'The job is live: only a deleted job can be restored.')
  @ApiRefusal(410, 'The job was erased (or deleted after its history left the archive): its content no longer exists.')
  @ApiRefusals(502, 503)
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
  @ApiOp(
    'holdJob',
    'admin',
    'Put a job on legal hold',
    'While on hold the job has no TTL and no purge plan includes it. Recorded in the trail.',
  )
  @ApiIdParam('id')
  @ApiOptionalBody('why the job is held')
  @ApiAnswer(200, 'The job, `held: true`.', 'JobView')
  @ApiRefusal(409, 'The job is already on hold.')
  @ApiRefusals(404, 410, 502, 503)
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
  @ApiOp('releaseJob', 'admin', 'Release a legal hold', 'The job gets its TTL back and purges may include it again. Recorded in the trail.')
  @ApiIdParam('id')
  @ApiOptionalBody('why the hold ends')
  @ApiAnswer(200, 'The job, `held: false`.', 'JobView')
  @ApiRefusal(409, 'The job is not on hold.')
  @ApiRefusals(404, 410, 502, 503)
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
