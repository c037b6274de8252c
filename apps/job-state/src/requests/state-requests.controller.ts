import { Controller, Inject, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { apiError, Subjects, type Reply } from '@crux/contracts';
import { FaultAsReply } from '@crux/messaging';
import { PurgeService } from '../purge/purge.service.js';
import { RebuildRequests } from '../rebuild/rebuild-requests.js';
import { VerdictsService } from '../verdicts/verdicts.service.js';
import { JobCommands } from './job-commands.js';
import { JobQueries } from './job-queries.js';

/**
 * Every `job.state.*` request, on Nest's NATS transport in the `job-state` queue group
 * (job-state-app.ts). Each handler answers a `Reply<T>`; one that throws answers a 500.
 * The payloads are checked by the services, which answer 400 to a malformed one.
 */
@Controller()
@UseFilters(new FaultAsReply('state service'))
export class StateRequestsController {
  constructor(
    @Inject(JobQueries) private readonly queries: JobQueries,
    @Inject(JobCommands) private readonly commands: JobCommands,
    @Inject(PurgeService) private readonly purges: PurgeService,
    @Inject(RebuildRequests) private readonly rebuilds: RebuildRequests,
    @Inject(VerdictsService) private readonly verdicts: VerdictsService,
  ) {}

  @MessagePattern(Subjects.stateGet)
  get(@Payload() request: unknown): Promise<Reply<unknown>> {
    return this.duringRebuild(this.queries.get(request));
  }

  @MessagePattern(Subjects.stateGetMany)
  getMany(@Payload() request: unknown): Promise<Reply<unknown>> {
    return this.queries.getMany(request);
  }

  @MessagePattern(Subjects.stateList)
  list(@Payload() request: unknown): Promise<Reply<unknown>> {
    return this.queries.list(request);
  }

  @MessagePattern(Subjects.statePurgePlan)
  purgePlan(@Payload() request: unknown): Promise<Reply<unknown>> {
    return this.purges.plan(request);
  }

  @MessagePattern(Subjects.statePurgeConfirm)
  purgeConfirm(@Payload() request: unknown): Promise<Reply<unknown>> {
    return this.purges.confirm(request);
  }

  @MessagePattern(Subjects.statePurgeStatus)
  purgeStatus(@Payload() request: unknown): Promise<Reply<unknown>> {
    return this.purges.status(request);
  }

  @MessagePattern(Subjects.stateRestore)
  restore(@Payload() request: unknown): Promise<Reply<unknown>> {
    return this.commands.restore(request);
  }

  @MessagePattern(Subjects.stateHold)
  hold(@Payload() request: unknown): Promise<Reply<unknown>> {
    return this.commands.hold(request);
  }

  @MessagePattern(Subjects.stateRelease)
  release(@Payload() request: unknown): Promise<Reply<unknown>> {
    return this.commands.release(request);
  }

  @MessagePattern(Subjects.stateRebuild)
  rebuild(@Payload() request: unknown): Promise<Reply<unknown>> {
    return this.rebuilds.rebuild(request);
  }

  @MessagePattern(Subjects.stateRebuildStatus)
  rebuildStatus(@Payload() request: unknown): Promise<Reply<unknown>> {
    return this.rebuilds.status(request);
  }

  @MessagePattern(Subjects.stateVerdicts)
  judged(@Payload() request: unknown): Promise<Reply<unknown>> {
    return this.verdicts.verdicts(request);
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
}
