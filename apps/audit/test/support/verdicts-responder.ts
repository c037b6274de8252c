import {
  QueueGroup,
  RefusalReason,
  Subjects,
  type EventRefusal,
  type JobEventType,
  type Reply,
  type VerdictsReply,
  type VerdictsRequest,
} from '@crux/contracts';
import { RpcServer } from '@crux/messaging';

/**
 * Stands in for job-state's `job.state.verdicts` in audit suites, which run no projector, on
 * the same Nest NATS transport and queue group: every event is applied unless the test says
 * the projection refused it. Answers 503 while paused, as job-state does before its projector
 * has judged the events.
 */
export class VerdictsResponder {
  private readonly refusals = new Map<string, EventRefusal>();
  paused = false;
  asked = 0;
  /** How long each answer takes, as when job-state is busy (a purge running). */
  delayMs = 0;
  /** Requests asked and not answered yet, now and at most so far. */
  outstanding = 0;
  maxOutstanding = 0;

  private constructor(private readonly server: RpcServer) {}

  static async start(natsUrl: string): Promise<VerdictsResponder> {
    const server = new RpcServer({ url: natsUrl, name: 'verdicts-responder', queue: QueueGroup.JobState });
    const responder = new VerdictsResponder(server);
    await server.answer<VerdictsRequest>(Subjects.stateVerdicts, (request) => responder.answer(request)).startAnswering();
    return responder;
  }

  refuse(event: { id: string; job_id: string; type: JobEventType }, message = 'refused in this test'): void {
    this.refusals.set(event.id, {
      event_id: event.id,
      job_id: event.job_id,
      type: event.type,
      reason: RefusalReason.NoJob,
      status: null,
      message,
    });
  }

  stop(): Promise<void> {
    return this.server.close();
  }

  private async answer({ events }: VerdictsRequest): Promise<Reply<VerdictsReply>> {
    this.asked++;
    this.outstanding++;
    this.maxOutstanding = Math.max(this.maxOutstanding, this.outstanding);
    try {
      if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      if (this.paused) return { ok: false, error: { status_code: 503, error: 'Service Unavailable', message: 'not judged yet' } };
      return { ok: true, value: { refused: events.flatMap((e) => this.refusals.get(e.id) ?? []) } };
    } finally {
      this.outstanding--;
    }
  }
}
