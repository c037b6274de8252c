import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ReasonBody, Role, type RebuildProgress } from '@crux/contracts';
import { Roles } from '../auth/auth.decorators.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { API_PREFIX } from '../http/api-paths.js';
import { ApiAnswer, ApiOp, ApiOptionalBody, ApiRefusal, ApiRefusals } from '../docs/api-responses.js';
import { OptionalBodyPipe } from '../validation/valid.pipe.js';
import { noQuery } from '../http/query-reader.js';
import { RebuildStateService } from './rebuild-state.service.js';

/** Rebuild the live state in Redis from JOBS (202, runs in the background), and its progress. */
@Controller(`${API_PREFIX}/admin/rebuild-state`)
@Roles(Role.Operator)
export class RebuildStateController {
  constructor(private readonly rebuilds: RebuildStateService) {}

  @Post()
  @HttpCode(202)
  @ApiOp(
    'startRebuild',
    'admin',
    'Rebuild the live state from JOBS',
    "Replays the JOBS stream into job-state's Redis through the projection's own scripts, in the background: restores what " +
      'Redis lacks or holds older, never deletes anything live; deleted jobs stay deleted, erased ones do not come back. ' +
      'job-state also does this by itself when Redis lost its state.',
  )
  @ApiOptionalBody('why the rebuild is asked for')
  @ApiAnswer(202, 'Started: follow it with GET.', 'RebuildProgress')
  @ApiRefusal(409, 'A rebuild is already running (named in the message).')
  @ApiRefusals(502, 503)
  start(
    @Query() query: Record<string, unknown>,
    @Body(OptionalBodyPipe) body: ReasonBody,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RebuildProgress> {
    noQuery(query);
    return this.rebuilds.start(body, principal);
  }

  @Get()
  @ApiOp(
    'getRebuild',
    'admin',
    'Progress of the latest rebuild',
    'Events read of the total, jobs restored, deletions kept, who asked and when.',
  )
  @ApiAnswer(200, 'The latest rebuild.', 'RebuildProgress')
  @ApiRefusal(404, 'No rebuild is recorded since Redis last lost its state.')
  @ApiRefusals(502, 503)
  status(@Query() query: Record<string, unknown>): Promise<RebuildProgress> {
    noQuery(query);
    return this.rebuilds.status();
  }
}
