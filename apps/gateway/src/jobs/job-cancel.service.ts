import { Inject, Injectable } from '@nestjs/common';
import {
  isTerminal,
  JobEventType,
  JobStatus,
  makeEvent,
  StreamName,
  Subjects,
  type GetJobRequest,
  type JobCancelData,
  type JobView,
} from '@crux/contracts';
import { actorOf, ownerScope, type Principal } from '../auth/principal.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { ApiHttpError } from '../errors/api-http-error.js';
import { NatsService } from '../nats/nats.service.js';
import { cancelStep } from './cancel-step.js';
import { JobStateClient } from './job-state.client.js';

/** Pauses between looks at the projection while a cancel lands: quick at first, then steady. */
const POLL_STEPS_MS = [20, 40, 80, 160, 250];

const alreadyEnded = (jobId: string, status: JobStatus) => new ApiHttpError(409, `job ${jobId} is already ${status}`);

/**
 * DELETE /jobs/{id}: records a `job.cancel` by the caller and answers once job-state shows
 * the job cancelled. The owner filter makes another submitter's job a 404, exactly like an
 * unknown one; a deleted job is job-state's 410.
 *
 * A job is cancelled once, so its trail holds one `cancel` record: a request that finds a
 * cancel of the job already in JOBS and not yet applied (a client retrying after a lost
 * answer, a 5xx or a gateway that died) waits for that one instead of publishing another,
 * and racing requests publish under the same derived id, which JetStream stores once.
 * Once the cancel is stored the answer is never a 5xx: the cancel happened.
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

    const step = cancelStep(jobId, before.version, await this.lastCancelSeq(jobId));
    let cancelSeq: number;
    if (step.kind === 'publish') {
      const event = makeEvent<'cancel', JobCancelData>('cancel', jobId, actorOf(principal), { reason }, { id: step.eventId });
      try {
        cancelSeq = (await this.nats.publishEvent(event)).seq;
      } catch (error) {
        throw new ApiHttpError(
          503,
          'the cancel could not be recorded: the event log (JetStream) did not acknowledge it; try again shortly',
          undefined,
          {
            cause: error,
          },
        );
      }
    } else cancelSeq = step.cancelSeq;

    const after = await this.awaitTerminal(lookup, before);
    if (after.status === JobStatus.Cancelled) return after;
    // It completed or failed before the cancel reached it: the projector kept that outcome.
    if (isTerminal(after.status)) throw alreadyEnded(jobId, after.status);
    // Not applied yet (job-state lags, or is failing over). The log decides what it will
    // show: an outcome stored before the cancel wins, and the cancel changes nothing.
    const outcome = await this.outcomeBefore(jobId, cancelSeq);
    if (outcome) throw alreadyEnded(jobId, outcome);
    return after;
  }

  /**
   * The job's outcome (`completed` or `failed`) when JOBS stored it before `cancelSeq`; null
   * when it has none before, or JOBS cannot say now (the cancel stands, as stored).
   */
  private async outcomeBefore(jobId: string, cancelSeq: number): Promise<JobStatus | null> {
    try {
      const jsm = await this.nats.jsm();
      for (const type of [JobEventType.Completed, JobEventType.Failed] as const) {
        const msg = await jsm.direct.getMessage(StreamName.Jobs, { last_by_subj: Subjects.jobEvent(type, jobId) });
        if (msg && msg.seq < cancelSeq) return type === JobEventType.Completed ? JobStatus.Completed : JobStatus.Failed;
      }
    } catch {
      return null;
    }
    return null;
  }

  /** The JOBS sequence of the job's latest `job.cancel`, or null when it has none. */
  private async lastCancelSeq(jobId: string): Promise<number | null> {
    try {
      const jsm = await this.nats.jsm();
      const msg = await jsm.direct.getMessage(StreamName.Jobs, { last_by_subj: Subjects.jobEvent(JobEventType.Cancel, jobId) });
      return msg ? msg.seq : null;
    } catch (error) {
      throw new ApiHttpError(
        503,
        'the cancel could not be checked against the event log (JetStream did not answer); try again shortly',
        undefined,
        {
          cause: error,
        },
      );
    }
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
        // job-state busy, restarting or failing over (5xx): keep looking until the deadline;
        // the cancel is stored, and a 5xx would only make the client ask again. Its other
        // answers (a 410 when the job was deleted meanwhile) are the client's answer.
        if (error instanceof ApiHttpError && error.getStatus() >= 500) continue;
        throw error;
      }
      if (isTerminal(latest.status)) return latest;
    }
  }
}
