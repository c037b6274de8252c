import { Inject, Injectable, Logger } from '@nestjs/common';
import { QueueGroup, Subjects, type Reply } from '@crux/contracts';
import { serveJson, type NatsConnection } from '@crux/messaging';
import type { Subscription } from '@nats-io/transport-node';
import { Tokens } from '../tokens.js';
import { JobQueries } from './job-queries.js';

/** Serves `job.state.get` and `job.state.list` in the `job-state` queue group. */
@Injectable()
export class StateRequests {
  private readonly logger = new Logger(StateRequests.name);
  private subscriptions: Subscription[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    @Inject(Tokens.Nats) private readonly nc: NatsConnection,
    @Inject(JobQueries) private readonly queries: JobQueries,
  ) {}

  start(): void {
    if (this.subscriptions.length > 0) return;
    const onError = (error: unknown) => this.logger.error(`request failed: ${(error as Error)?.stack ?? String(error)}`);
    this.subscriptions = [
      serveJson(this.nc, Subjects.stateGet, QueueGroup.JobState, (r) => this.track(this.queries.get(r)), onError),
      serveJson(this.nc, Subjects.stateList, QueueGroup.JobState, (r) => this.track(this.queries.list(r)), onError),
    ];
  }

  /** Stops taking requests and waits for the answers already being prepared. Safe twice. */
  async stop(): Promise<void> {
    const subscriptions = this.subscriptions;
    this.subscriptions = [];
    for (const sub of subscriptions) sub.unsubscribe();
    await Promise.allSettled([...this.inFlight]);
  }

  private track<T>(answer: Promise<Reply<T>>): Promise<Reply<T>> {
    this.inFlight.add(answer);
    void answer.finally(() => this.inFlight.delete(answer)).catch(() => undefined);
    return answer;
  }
}
