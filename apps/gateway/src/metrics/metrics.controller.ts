import type { ServerResponse } from 'node:http';
import { Controller, Get, Res } from '@nestjs/common';
import { Public } from '../auth/auth.decorators.js';
import { API_PREFIX } from '../http/api-paths.js';
import { MetricsService } from './metrics.service.js';

@Controller()
@Public()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get(['metrics', `${API_PREFIX}/metrics`])
  async scrape(@Res() res: ServerResponse): Promise<void> {
    const text = await this.metrics.render();
    res.statusCode = 200;
    res.setHeader('Content-Type', this.metrics.contentType);
    res.end(text);
  }
}
