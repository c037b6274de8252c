import { RefusalReason, Subjects, type EventRefusal, type JobEventType, type VerdictsRequest } from '@crux/contracts';
import type { NatsConnection } from '@crux/messaging';
import type { Subscription } from '@nats-io/transport-node';

/**
 * Stands in for job-state's `job.state.verdicts` in audit suites, which run no projector: every
 * event is applied unless the test says the projection refused it. Answers 503 while paused,
 * as job-state does before its projector has judged the events.
 */
export class VerdictsResponder {
  private readonly refusals = new Map<string, EventRefusal>();
  private readonly sub: Subscription;
  paused = false;
  asked = 0;

  constructor(nc: NatsConnection) {
    this.sub = nc.subscribe(Subjects.stateVerdicts, {
      callback: (_err, msg) => {
        this.asked++;
        if (this.paused) {
          msg.respond(JSON.stringify({ ok: false, error: { status_code: 503, error: 'Service Unavailable', message: 'not judged yet' } }));
          return;
        }
        const { events } = msg.json<VerdictsRequest>();
        const refused = events.flatMap((e) => this.refusals.get(e.id) ?? []);
        msg.respond(JSON.stringify({ ok: true, value: { refused } }));
      },
    });
  }

  refuse(event: { id: string; job_id: string; type: JobEventType }, message = 'refused in this test'): void {
    this.refusals.set(event.id, { event_id: event.id, job_id: event.job_id, type: event.type, reason: RefusalReason.NoJob, status: null, message });
  }

  stop(): void {
    this.sub.unsubscribe();
  }
}
