import type { FastifyReply, FastifyRequest } from 'fastify';
import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import { JobIdParam, Role } from '@crux/contracts';
import { Roles } from '../auth/auth.decorators.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { API_PREFIX } from '../http/api-paths.js';
import { ApiAnswerAs, ApiIdParam, ApiOp, ApiRefusal, ApiRefusals, RETRY_AFTER } from '../docs/api-responses.js';
import { ref } from '../docs/response-schemas.js';
import { ValidPipe } from '../validation/valid.pipe.js';
import { JobEventsService } from './job-events.service.js';

@Controller(`${API_PREFIX}/jobs`)
@Roles(Role.Submitter, Role.Operator)
export class JobEventsController {
  constructor(private readonly events: JobEventsService) {}

  @Get(':id/events')
  @ApiOp(
    'followJobEvents',
    'jobs',
    "Follow a job's events (Server-Sent Events)",
    "The job's history from the event log, then its live events. Each SSE event has `id` = the event's JOBS stream sequence, " +
      '`event` = its type, `data` = the event envelope (JSON, a JobEvent). A comment line is sent every 15 s to keep the ' +
      'connection open. The stream ends after the terminal event (completed, failed, cancel). Reconnect with `Last-Event-ID` ' +
      'to resume after that event; a job that has ended and whose events the client has all seen answers 204, which stops an ' +
      'EventSource from reconnecting. A stream is written no faster than the client reads it.',
  )
  @ApiIdParam('id')
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'Resume after the event with this id.',
    schema: { type: 'string', pattern: '^[0-9]+$' },
  })
  // contentSchema: OpenAPI 3.1 has no keyword for the items of a stream (3.2's itemSchema); this names the schema of each event's data.
  @ApiAnswerAs(200, 'An event stream; the `data:` of each event is a JobEvent (`contentSchema`).', 'text/event-stream', {
    type: 'string',
    contentMediaType: 'text/event-stream',
    contentSchema: ref('JobEvent'),
  })
  @ApiResponse({ status: 204, description: 'The job has ended and the client has seen every event (resumed after the last one).' })
  @ApiRefusals(404, 410)
  @ApiRefusal(429, 'The key already has CRUX_SSE_MAX_STREAMS_PER_KEY streams open on this gateway, or is over its rate limit.', {
    headers: RETRY_AFTER,
  })
  @ApiRefusal(
    503,
    'This gateway already has CRUX_SSE_MAX_STREAMS streams open, the event log (JetStream) is not answering, or the gateway is shutting down.',
    {
      headers: RETRY_AFTER,
    },
  )
  follow(
    @Param(ValidPipe) params: JobIdParam,
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.events.stream(params.id, principal, req.headers['last-event-id'], reply);
  }
}
