import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Role, SolveBasicRequest, SolveEnhancedRequest, SolveMode } from '@crux/contracts';
import { ApiKeyRegistry } from '../auth/api-key-registry.js';
import { RateLimiter } from '../edge/rate-limiter.js';
import { authorize } from '../auth/authorize.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { ApiHttpError } from '../errors/api-http-error.js';
import { toApiError } from '../errors/to-api-error.js';
import { API_PREFIX, ApiLinks } from '../http/api-paths.js';
import { readJsonBody } from '../http/read-json-body.js';
import { clientGone, sendJson } from '../http/send-json.js';
import { OpenStreams } from '../events/open-streams.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { validateDto } from '../validation/validate-dto.js';
import { SolveService, type Submitted } from './solve.service.js';

/** 202 body of an accepted asynchronous job. */
export interface SubmitAccepted {
  job_id: string;
  status: 'pending';
  created_at: string;
  message: string;
}

interface SolveRoute {
  path: string;
  mode: SolveMode;
  dto: new () => SolveBasicRequest;
}

export const SUBMIT_ROLES: readonly Role[] = [Role.Submitter, Role.Operator];

/** The submit routes, served by SolveHttpHandler ahead of Express (see its comment). */
export const SOLVE_ROUTES: readonly SolveRoute[] = [
  { path: `/${API_PREFIX}/solve/basic`, mode: SolveMode.Basic, dto: SolveBasicRequest },
  { path: `/${API_PREFIX}/solve/enhanced`, mode: SolveMode.Enhanced, dto: SolveEnhancedRequest },
];

const byPath = new Map<string, SolveRoute>(SOLVE_ROUTES.flatMap((route) => [[route.path, route], [`${route.path}/`, route]]));

/**
 * POST /solve/basic and /solve/enhanced, served straight on node:http, ahead of Express.
 *
 * Submitting is the hot path (goal: ≥ 0.7× the throughput of a bare node:http handler that
 * awaits one JetStream publish), and on this stack Express's routing alone costs about as
 * much CPU per request as that whole bare handler. So these two routes skip the Express
 * and Nest request pipeline — not the rules: authorisation (`authorize`), the body limits and
 * messages (`readJsonBody`), DTO validation (`validateDto`), the error shape (`toApiError`)
 * and the metrics are the very functions the Nest routes use. Nest still builds and owns this
 * handler and everything it depends on.
 */
@Injectable()
export class SolveHttpHandler {
  private readonly logger = new Logger('Solve');

  constructor(
    private readonly keys: ApiKeyRegistry,
    private readonly limiter: RateLimiter,
    private readonly solve: SolveService,
    private readonly metrics: MetricsService,
    private readonly streams: OpenStreams,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** The submit route this request is for, or null to leave it to Express. */
  match(req: IncomingMessage): SolveRoute | null {
    if (req.method !== 'POST' || !req.url) return null;
    const query = req.url.indexOf('?');
    return byPath.get(query === -1 ? req.url : req.url.slice(0, query)) ?? null;
  }

  async handle(route: SolveRoute, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const start = process.hrtime.bigint();
    res.once('close', () => {
      this.metrics.observeRequest('POST', route.path, res.statusCode, Number(process.hrtime.bigint() - start) / 1e9);
    });
    try {
      const principal = authorize(this.keys, req.headers.authorization, SUBMIT_ROLES, this.limiter);
      const body = await readJsonBody(req, this.config.settings.maxBodyBytes);
      const request = validateDto(route.dto, body);
      const submitted = await this.solve.submit(route.mode, request, principal);
      if (request.async_mode === false) await this.answerWhenFinished(route, submitted, res);
      else accepted(res, submitted, `job accepted; poll GET ${ApiLinks.job(submitted.event.job_id)} or follow ${ApiLinks.jobEvents(submitted.event.job_id)}`);
    } catch (error) {
      this.fail(error, route, res);
    }
  }

  private async answerWhenFinished(route: SolveRoute, submitted: Submitted, res: ServerResponse): Promise<void> {
    const abort = new AbortController();
    const onClose = () => abort.abort();
    res.once('close', onClose);
    if (clientGone(res)) abort.abort();
    // A shutdown stops the wait, gets its 503, and only then lets the server close.
    const tracked = this.streams.track(() => abort.abort());
    try {
      const result = await this.solve.waitForOutcome(submitted, abort.signal);
      if (clientGone(res)) return;
      const jobId = submitted.event.job_id;
      const where = { poll: ApiLinks.job(jobId), events: ApiLinks.jobEvents(jobId) };
      switch (result.kind) {
        case 'finished':
          sendJson(res, 200, result.job);
          return;
        case 'timeout':
          this.fail(
            new ApiHttpError(
              504,
              `job ${jobId} is still ${result.job.status} after ${result.waitedMs} ms (CRUX_SYNC_TIMEOUT_MS); ` +
                `it carries on: poll GET ${where.poll} or follow ${where.events}`,
              { job_id: jobId, status: result.job.status, ...where },
            ),
            route,
            res,
          );
          return;
        case 'interrupted':
          this.fail(
            new ApiHttpError(503, `the gateway is shutting down before job ${jobId} finished; it carries on: poll GET ${where.poll}`, {
              job_id: jobId,
              status: result.job.status,
              ...where,
            }),
            route,
            res,
          );
          return;
        case 'unfollowable':
          accepted(res, submitted, `job accepted, but the gateway cannot follow it to the end right now; poll GET ${where.poll}`);
          return;
        default: {
          const never: never = result;
          throw new Error(`unhandled wait result ${JSON.stringify(never)}`);
        }
      }
    } finally {
      res.off('close', onClose);
      tracked.done();
    }
  }

  private fail(error: unknown, route: SolveRoute, res: ServerResponse): void {
    const { body, unexpected } = toApiError(error, { method: 'POST', path: route.path });
    if (unexpected) this.logger.error(`POST ${route.path} failed: ${(error as Error)?.message ?? String(error)}`, (error as Error)?.stack);
    if (res.headersSent || res.destroyed) {
      res.end();
      return;
    }
    const headers: Record<string, string> = {};
    if (body.status_code === 401) headers['WWW-Authenticate'] = 'Bearer realm="crux"';
    if (error instanceof ApiHttpError && error.headers) Object.assign(headers, error.headers);
    // The rest of an oversized body is not worth reading: close instead of draining it.
    if (body.status_code === 413) headers.Connection = 'close';
    sendJson(res, body.status_code, body, headers);
  }
}

function accepted(res: ServerResponse, { event }: Submitted, message: string): void {
  const body: SubmitAccepted = { job_id: event.job_id, status: 'pending', created_at: event.occurred_at, message };
  sendJson(res, 202, body, { Location: ApiLinks.job(event.job_id) });
}
