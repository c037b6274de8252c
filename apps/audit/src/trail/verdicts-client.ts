import { Subjects, type VerdictsReply, type VerdictsRequest } from '@crux/contracts';
import { requestReply } from '@crux/messaging';
import type { ClientNats } from '@nestjs/microservices';

/**
 * Long enough for job-state to wait for its projector (it answers 503 after 5 s) and reply;
 * a request that times out is simply asked again.
 */
const REQUEST_TIMEOUT_MS = 8_000;

/**
 * Asks job-state which command events its projection refused, through the audit service's
 * ClientProxy (Nest's NATS transport). A refused event changed nothing (a hold of a job a
 * purge deleted first), so the trail leaves it out.
 */
export class VerdictsClient {
  constructor(private readonly client: ClientNats) {}

  /** The ids of the refused events among `events`; throws while job-state cannot say yet. */
  async refused(events: VerdictsRequest['events']): Promise<Map<string, string>> {
    const reply = await requestReply<VerdictsReply>(this.client, Subjects.stateVerdicts, { events }, REQUEST_TIMEOUT_MS);
    if (!reply.ok) throw new Error(`job-state answered ${reply.error.status_code}: ${reply.error.message}`);
    return new Map(reply.value.refused.map((r) => [r.event_id, r.message]));
  }
}
