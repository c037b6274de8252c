import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators.js';
import { ApiAnswerAs, ApiOp } from '../docs/api-responses.js';
import { API_PREFIX } from '../http/api-paths.js';
import { MetricsService } from './metrics.service.js';

const PROMETHEUS = 'Prometheus text format.';

/** Prometheus metrics at the root (for scrapers) and under /api/v1; one handler per path, so each has its own operation id. */
@Controller()
@Public()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get('metrics')
  @ApiOp('getMetrics', 'operations', 'Prometheus metrics')
  @ApiAnswerAs(200, PROMETHEUS, 'text/plain')
  scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return this.render(reply);
  }

  @Get(`${API_PREFIX}/metrics`)
  @ApiOp('getApiMetrics', 'operations', 'Prometheus metrics (under /api/v1)')
  @ApiAnswerAs(200, PROMETHEUS, 'text/plain')
  apiScrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return this.render(reply);
  }

  private async render(reply: FastifyReply): Promise<string> {
    const text = await this.metrics.render();
    reply.type(this.metrics.contentType);
    return text;
  }
}
