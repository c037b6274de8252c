import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ReasonBody, Role, type RebuildProgress } from '@crux/contracts';
import { Roles } from '../auth/auth.decorators.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { API_PREFIX } from '../http/api-paths.js';
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
  start(@Query() query: Record<string, unknown>, @Body(OptionalBodyPipe) body: ReasonBody, @CurrentPrincipal() principal: Principal): Promise<RebuildProgress> {
    noQuery(query);
    return this.rebuilds.start(body, principal);
  }

  @Get()
  status(@Query() query: Record<string, unknown>): Promise<RebuildProgress> {
    noQuery(query);
    return this.rebuilds.status();
  }
}
