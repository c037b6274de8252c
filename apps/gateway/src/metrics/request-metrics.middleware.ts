import type { IncomingMessage, ServerResponse } from 'node:http';
import { UNMATCHED_ROUTE, type MetricsService } from './metrics.service.js';

type RoutedRequest = IncomingMessage & { route?: { path?: unknown } };

/**
 * Express middleware counting and timing every request by the route pattern it matched
 * (`/api/v1/jobs/:id`, never the raw URL). Mounted first so the time includes body parsing.
 */
export function requestMetrics(metrics: MetricsService) {
  return (req: RoutedRequest, res: ServerResponse, next: () => void): void => {
    const start = process.hrtime.bigint();
    res.once('close', () => {
      const route = typeof req.route?.path === 'string' ? req.route.path : UNMATCHED_ROUTE;
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      metrics.observeRequest(req.method ?? 'GET', route, res.statusCode, seconds);
    });
    next();
  };
}
