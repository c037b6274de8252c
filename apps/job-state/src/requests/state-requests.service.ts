import { Inject, Injectable, Logger } from '@nestjs/common';
import { apiError, QueueGroup, Subjects, type Reply } from '@crux/contracts';
import { serveJson, type NatsConnection } from '@crux/messaging';
import type { Subscription } from '@nats-io/transport-node';
import { PurgeService } from '../purge/purge.service.js';
import { RebuildRequests } from '../rebuild/rebuild-requests.js';
import { Tokens } from '../tokens.js';
import { VerdictsService } from '../verdicts/verdicts.service.js';
import { JobCommands } from './job-commands.js';
import { JobQueries } from './job-queries.js';

/** Serves every `job.state.*` request in the `job-state` queue group. */
@Injectable()
export class StateRequests {
  private readonly logger = new Logger(StateRequests.name);
  private subscriptions: Subscription[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    @Inject(Tokens.Nats) private readonly nc: NatsConnection,
    @Inject(JobQueries) private readonly queries: JobQueries,
    @Inject(JobCommands) private readonly commands: JobCommands,
    @Inject(PurgeService) private readonly purges: PurgeService,
    @Inject(RebuildRequests) private readonly rebuilds: RebuildRequests,
    @Inject(VerdictsService) private readonly verdicts: VerdictsService,
  ) {}

  start(): void {
    if (this.subscriptions.length > 0) return;
    const onError = (error: unknown) => this.logger.error(`request failed: ${(error as Error)?.stack ?? String(error)}`);
    const serve = <A>(subject: string, handler: (request: unknown) => Promise<Reply<A>>) =>
      serveJson<unknown, A>(this.nc, subject, QueueGroup.JobState, (r) => this.track(handler(r)), onError);
    this.subscriptions = [
      serve(Subjects.stateGet, (r) => this.duringRebuild(this.queries.get(r))),
      serve(Subjects.stateGetMany, (r) => this.queries.getMany(r)),
      serve(Subjects.stateList, (r) => this.queries.list(r)),
      serve(Subjects.statePurgePlan, (r) => this.purges.plan(r)),
      serve(Subjects.statePurgeConfirm, (r) => this.purges.confirm(r)),
      serve(Subjects.statePurgeStatus, (r) => this.purges.status(r)),
      serve(Subjects.stateRestore, (r) => this.commands.restore(r)),
      serve(Subjects.stateHold, (r) => this.commands.hold(r)),
      serve(Subjects.stateRelease, (r) => this.commands.release(r)),
      serve(Subjects.stateRebuild, (r) => this.rebuilds.rebuild(r)),
      serve(Subjects.stateRebuildStatus, (r) => this.rebuilds.status(r)),
      serve(Subjects.stateVerdicts, (r) => this.verdicts.verdicts(r)),
    ];
  }

  /** Stops taking requests and waits for the answers already being prepared. Safe twice. */
  async stop(): Promise<void> {
    const subscriptions = this.subscriptions;
    this.subscriptions = [];
    for (const sub of subscriptions) sub.unsubscribe();
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * While the live state is being rebuilt, a job not found may simply not be restored yet:
   * 503 saying so (readiness reads it too) instead of a 404 that would be wrong.
   */
  private async duringRebuild<T>(answer: Promise<Reply<T>>): Promise<Reply<T>> {
    const reply = await answer;
    const rebuilding = this.rebuilds.rebuildingMessage();
    if (reply.ok || reply.error.status_code !== 404 || !rebuilding) return reply;
    return { ok: false, error: apiError(503, 'Service Unavailable', `${rebuilding}; try again shortly`) };
  }

  private track<T>(answer: Promise<Reply<T>>): Promise<Reply<T>> {
    this.inFlight.add(answer);
    void answer.finally(() => this.inFlight.delete(answer)).catch(() => undefined);
    return answer;
  }
}
