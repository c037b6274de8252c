import type { EventRefusal, JobView } from '@crux/contracts';
import type { JobReader } from '../redis/job-reader.js';

const POLL_MS = 20;

export type Verdict = { kind: 'applied'; view: JobView } | { kind: 'refused'; refusal: EventRefusal } | { kind: 'pending' };

/**
 * The projector's verdict on one command event: applied (the job's version reached `seq`),
 * refused (its refusal is kept), or still pending after `timeoutMs`.
 */
export async function awaitVerdict(reader: JobReader, jobId: string, eventId: string, seq: number, timeoutMs: number): Promise<Verdict> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [view, refusals] = await Promise.all([reader.read(jobId), reader.refusals([eventId])]);
    const refusal = refusals.get(eventId);
    if (refusal) return { kind: 'refused', refusal };
    if (view && view.version >= seq) return { kind: 'applied', view };
    if (Date.now() >= deadline) return { kind: 'pending' };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
