import { applyDecorators, Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { apiError } from '@crux/contracts';
import { Public } from '../auth/auth.decorators.js';
import { ApiAnswer, ApiOp, ApiRefusal } from '../docs/api-responses.js';
import { API_PREFIX } from '../http/api-paths.js';
import { ReadinessService } from './readiness.service.js';

const LIVENESS = 'The process is up and serving HTTP.';
const READINESS =
  'Ready when the NATS connection is up, job-state answers a `job.state.get` (any reply, a 404 included, proves job-state and its Redis ' +
  'answer) and the audit service answers an `audit.query` for one record. The audit service is required: without it the deletion ' +
  'trail can be neither read nor verified.';

/** What readyz answers, on both of its paths. */
const ReadinessAnswers = () =>
  applyDecorators(
    ApiAnswer(200, 'NATS connected, job-state and the audit service answering.', 'Readiness'),
    ApiRefusal(503, 'Not ready; `message` and `details.checks` say which check failed.'),
  );

/** Liveness and readiness, at the root (for probes) and under /api/v1; one handler per path, so each has its own operation id. */
@Controller()
@Public()
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get('healthz')
  @ApiOp('getLiveness', 'operations', 'Liveness', LIVENESS)
  @ApiAnswer(200, 'The process is up.', 'Health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get(`${API_PREFIX}/healthz`)
  @ApiOp('getApiLiveness', 'operations', 'Liveness (under /api/v1)', LIVENESS)
  @ApiAnswer(200, 'The process is up.', 'Health')
  apiHealth(): { status: 'ok' } {
    return this.health();
  }

  @Get('readyz')
  @ApiOp('getReadiness', 'operations', 'Readiness', READINESS)
  @ReadinessAnswers()
  ready(@Res() reply: FastifyReply): Promise<void> {
    return this.answerReadiness(reply);
  }

  @Get(`${API_PREFIX}/readyz`)
  @ApiOp('getApiReadiness', 'operations', 'Readiness (under /api/v1)', READINESS)
  @ReadinessAnswers()
  apiReady(@Res() reply: FastifyReply): Promise<void> {
    return this.answerReadiness(reply);
  }

  private async answerReadiness(reply: FastifyReply): Promise<void> {
    const { ready, checks } = await this.readiness.check();
    if (ready) {
      reply.send({ status: 'ready', checks });
      return;
    }
    const failed = Object.entries(checks)
      .filter(([, result]) => result !== 'ok')
      .map(([name, result]) => `${name}: ${result}`);
    reply.code(503).send(apiError(503, 'Service Unavailable', `not ready: ${failed.join('; ')}`, { checks }));
  }
}
