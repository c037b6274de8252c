import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { apiError } from '@crux/contracts';
import { Public } from '../auth/auth.decorators.js';
import { API_PREFIX } from '../http/api-paths.js';
import { ReadinessService } from './readiness.service.js';

@Controller()
@Public()
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  /** Liveness: the process is up and serving HTTP. */
  @Get(['healthz', `${API_PREFIX}/healthz`])
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get(['readyz', `${API_PREFIX}/readyz`])
  async ready(@Res() reply: FastifyReply): Promise<void> {
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
