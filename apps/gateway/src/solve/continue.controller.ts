import type { FastifyReply } from 'fastify';
import { Controller, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { JobIdParam, Role } from '@crux/contracts';
import { Roles } from '../auth/auth.decorators.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { API_PREFIX, ApiLinks } from '../http/api-paths.js';
import { ValidPipe } from '../validation/valid.pipe.js';
import { parseContinueQuery } from './continue-query.js';
import { ContinueService, type ContinueAccepted } from './continue.service.js';

/** Continuing a completed, unconverged basic job as a new job (the origin's owner or an operator). */
@Controller(`${API_PREFIX}/solve/continue`)
@Roles(Role.Submitter, Role.Operator)
export class ContinueController {
  constructor(private readonly continues: ContinueService) {}

  @Post(':id')
  @HttpCode(202)
  async continue(
    @Param(ValidPipe) params: JobIdParam,
    @Query() query: Record<string, unknown>,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ContinueAccepted> {
    const { additional_iterations } = parseContinueQuery(query);
    const accepted = await this.continues.continue(params.id, additional_iterations, principal);
    reply.header('Location', ApiLinks.job(accepted.job_id));
    return accepted;
  }
}
