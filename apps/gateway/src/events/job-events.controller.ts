import type { FastifyReply, FastifyRequest } from 'fastify';
import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { JobIdParam, Role } from '@crux/contracts';
import { Roles } from '../auth/auth.decorators.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { API_PREFIX } from '../http/api-paths.js';
import { ValidPipe } from '../validation/valid.pipe.js';
import { JobEventsService } from './job-events.service.js';

@Controller(`${API_PREFIX}/jobs`)
@Roles(Role.Submitter, Role.Operator)
export class JobEventsController {
  constructor(private readonly events: JobEventsService) {}

  @Get(':id/events')
  follow(
    @Param(ValidPipe) params: JobIdParam,
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.events.stream(params.id, principal, req.headers['last-event-id'], reply);
  }
}
