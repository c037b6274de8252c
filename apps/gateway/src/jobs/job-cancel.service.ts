import { Inject, Injectable } from '@nestjs/common';
import { isTerminal, JobStatus, makeEvent, type GetJobRequest, type JobCancelData, type JobView } from '@crux/contracts';
import { publishEvent } from '@crux/messaging';
import { actorOf, ownerScope, type Principal } from '../auth/principal.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { ApiHttpError } from '../errors/api-http-error.js';
import { NatsService } from '../nats/nats.service.js';
import { JobStateClient } from './job-state.client.js';

/** Pauses between looks at the projection while a cancel lands: quick at first, then steady. */
const POLL_STEPS_MS = [20, 40, 80, 160, 250];

const alreadyEnded = (jobId: string, status: JobStatus) => new ApiHttpError(409, `job ${jobId} is already ${status}`);

/**
 * DELETE /jobs/{id}: records a `job.cancel` by the caller and answers once job-state shows
 * the job cancelled. The owner filter makes another submitter's job a 404, exactly like an
 * unknown one; a deleted job is job-state's 410.
 */
@Injectable()
export class JobCancelService {
  constructor(
    private readonly nats: NatsService,
    private readonly state: JobStateClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async cancel(jobId: string, reason: string | null, principal: Principal): Promise<JobView> {
    const owner = ownerScope(principal);
    const lookup: GetJobRequest = owner === undefined ? { job_id: jobId } : { job_id: jobId, owner };
    const before = await this.state.get(lookup);
    if (isTerminal(before.status)) throw alreadyEnded(jobId, before.status);

    const event = makeEvent<'cancel', JobCancelData>('cancel', jobId, actorOf(principal), { reason });
    try {
      await publishEvent(this.nats.js, event);
    } catch (error) {
      throw new ApiHttpError(503, 'the cancel could not be recorded: the event log (JetStream) did not acknowledge it; try again shortly', undefined, {
        cause: error,
      });
    }

    const after = await this.awaitTerminal(lookup, before);
    if (after.status === JobStatus.Cancelled || !isTerminal(after.status)) return after;
    // It completed or failed before the cancel reached it: the projector kept that outcome.
    throw alreadyEnded(jobId, after.status);
  }

  /**
   * The job once the projection shows it terminal — by this cancel or an outcome that beat
   * it — or, after CANCEL_WAIT, as last seen: the cancel is recorded in the event log and
   * still takes effect, job-state has just not applied it yet.
   */
  private async awaitTerminal(lookup: GetJobRequest, before: JobView): Promise<JobView> {
    const deadline = Date.now() + this.config.cancelWaitMs;
    let latest = before;
    for (let step = 0; ; step++) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return latest;
      await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_STEPS_MS[Math.min(step, POLL_STEPS_MS.length - 1)], remaining)));
      try {
        latest = await this.state.get(lookup, Math.max(1, Math.min(this.config.settings.requestTimeoutMs, deadline - Date.now())));
      } catch (error) {
        // job-state busy or restarting: keep looking until the deadline. Its other answers (a
        // 410 when the job was deleted meanwhile) are the client's answer.
        if (error instanceof ApiHttpError && error.getStatus() === 503) continue;
        throw error;
      }
      if (isTerminal(latest.status)) return latest;
    }
  }
}
