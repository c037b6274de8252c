import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { SolveMode } from '@crux/contracts';

/** Route label for requests no route matched: keeps the label set small whatever clients send. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The gateway's Prometheus metrics, in a registry of its own (not prom-client's global one),
 * so several gateways in one process — as in tests — do not collide.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'crux_http_requests_total',
    help: 'HTTP requests answered, by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'crux_http_request_duration_seconds',
    help: 'Time from request to the end of the response, by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  private readonly submitted = new Counter({
    name: 'crux_jobs_submitted_total',
    help: 'Jobs accepted by the gateway (job.created published), by mode',
    labelNames: ['mode'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.requests.inc({ method, route, status });
    this.latency.observe({ method, route }, seconds);
  }

  jobSubmitted(mode: SolveMode): void {
    this.submitted.inc({ mode });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
