import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators.js';
import { API_PREFIX } from '../http/api-paths.js';
import { MetricsService } from './metrics.service.js';

@Controller()
@Public()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get(['metrics', `${API_PREFIX}/metrics`])
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const text = await this.metrics.render();
    reply.type(this.metrics.contentType);
    return text;
  }
}
