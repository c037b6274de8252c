import { Inject, Injectable } from '@nestjs/common';
import { isTerminalEvent, type JobCreated, type SolveBasicRequest, type SolveMode } from '@crux/contracts';
import { JobEventFeed } from '@crux/messaging';
import type { Principal } from '../auth/principal.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { ApiHttpError } from '../errors/api-http-error.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { NatsService } from '../nats/nats.service.js';
import { createdEvent } from './created-event.js';
import { JobOutcome, type SyncJobResponse } from './job-outcome.js';

export interface Submitted {
  event: JobCreated;
  /** JOBS stream sequence of the created event: where the job's history starts. */
  seq: number;
}

export type WaitResult =
  | { kind: 'finished'; job: SyncJobResponse }
  | { kind: 'timeout'; job: SyncJobResponse; waitedMs: number }
  /** `abort` fired: the client went away or the gateway is shutting down. */
  | { kind: 'interrupted'; job: SyncJobResponse }
  /** The job was accepted but its events cannot be followed right now. */
  | { kind: 'unfollowable' };

@Injectable()
export class SolveService {
  constructor(
    private readonly nats: NatsService,
    private readonly metrics: MetricsService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /**
   * Records the job: one JetStream publish, nothing else on this path. Not `async`: an async
   * function returning record()'s promise would wrap it in another, two more microtasks a submit.
   */
  submit(mode: SolveMode, request: SolveBasicRequest, principal: Principal): Promise<Submitted> {
    return this.record(createdEvent(mode, request, principal, this.config.settings.provider));
  }

  /** Publishes a `job.created` to the JOBS stream; a 503 when JetStream does not acknowledge it. */
  async record(event: JobCreated): Promise<Submitted> {
    const mode = event.data.mode;
    let seq: number;
    try {
      seq = (await this.nats.publishEvent(event)).seq;
    } catch (error) {
      throw new ApiHttpError(
        503,
        'the job could not be recorded: the event log (JetStream) did not acknowledge it; try again shortly',
        undefined,
        { cause: error },
      );
    }
    this.metrics.jobSubmitted(mode);
    return { event, seq };
  }

  /**
   * Follows the job's events from its created event until a terminal one, for at most
   * CRUX_SYNC_TIMEOUT_MS. Reading the stream from the created event's sequence means an
   * outcome published before the feed opened is still seen.
   */
  async waitForOutcome({ event, seq }: Submitted, abort: AbortSignal): Promise<WaitResult> {
    const outcome = new JobOutcome(event.job_id, event.data.mode, event.data.owner, event.occurred_at);
    let feed: JobEventFeed;
    try {
      feed = await JobEventFeed.open(this.nats.nc, await this.nats.jsm(), event.job_id, seq);
    } catch {
      return { kind: 'unfollowable' };
    }
    const timeoutMs = this.config.settings.syncTimeoutMs;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      feed.close();
    }, timeoutMs);
    const stop = () => feed.close();
    abort.addEventListener('abort', stop, { once: true });
    try {
      if (!abort.aborted) {
        for (let item = await feed.next(true); item; item = await feed.next(true)) {
          outcome.apply(item.event);
          if (isTerminalEvent(item.event.type) && outcome.finished) break;
        }
      }
    } finally {
      clearTimeout(timer);
      abort.removeEventListener('abort', stop);
      feed.close();
    }
    if (outcome.finished) return { kind: 'finished', job: outcome.current };
    if (timedOut) return { kind: 'timeout', job: outcome.current, waitedMs: timeoutMs };
    return { kind: 'interrupted', job: outcome.current };
  }
}
