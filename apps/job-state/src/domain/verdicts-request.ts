import type { VerdictsRequest } from '@crux/contracts';
import { badRequest, type Checked } from './state-request-validation.js';

/** Most events one `job.state.verdicts` may ask about: the audit asks a batch at a time. */
export const VERDICTS_MAX_EVENTS = 1000;

export function checkVerdictsRequest(request: unknown): Checked<VerdictsRequest['events']> {
  const events = ((request ?? {}) as Record<string, unknown>).events;
  if (!Array.isArray(events) || events.length === 0 || events.length > VERDICTS_MAX_EVENTS) {
    return badRequest(`events must be a list of 1 to ${VERDICTS_MAX_EVENTS} {id, seq}`);
  }
  for (const e of events as unknown[]) {
    const { id, seq } = (e ?? {}) as Record<string, unknown>;
    if (typeof id !== 'string' || id === '' || !Number.isInteger(seq) || (seq as number) < 1) {
      return badRequest('every event must be {id: a non-empty string, seq: a stream sequence ≥ 1}');
    }
  }
  return { ok: true, value: events as VerdictsRequest['events'] };
}
