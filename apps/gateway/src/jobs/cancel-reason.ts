import { AdminLimits, ReasonBody } from '@crux/contracts';
import { ApiHttpError } from '../errors/api-http-error.js';
import { QueryReader } from '../http/query-reader.js';

/**
 * The reason of a cancel, from the JSON body `{reason}` or `?reason=` (clients that send no
 * body on DELETE). Null when neither gives one. Both at once is refused: which one would win
 * is not obvious to whoever reads the trail later.
 */
export function cancelReason(body: ReasonBody, query: Record<string, unknown>): string | null {
  const reader = new QueryReader(query, ['reason']);
  const fromQuery = reader.text('reason');
  if (fromQuery !== undefined && fromQuery.length > AdminLimits.reasonMaxChars) {
    reader.problem(`reason must be at most ${AdminLimits.reasonMaxChars} characters`);
  }
  reader.done();
  const fromBody = body.reason === undefined || body.reason === null || body.reason === '' ? undefined : body.reason;
  if (fromBody !== undefined && fromQuery !== undefined) {
    throw new ApiHttpError(400, 'give the reason once: in the JSON body or as ?reason=, not both');
  }
  return fromBody ?? fromQuery ?? null;
}
