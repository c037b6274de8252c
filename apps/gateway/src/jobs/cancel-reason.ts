import { AdminLimits, ReasonBody } from '@crux/contracts';
import { ApiHttpError } from '../errors/api-http-error.js';
import { QueryReader, type QueryParameter } from '../http/query-reader.js';

/** The query parameter cancelReason reads, as the OpenAPI document describes it. */
export const CANCEL_QUERY: readonly QueryParameter[] = [
  {
    name: 'reason',
    description: 'Why, for clients that send no body on DELETE (not both).',
    schema: { type: 'string', maxLength: AdminLimits.reasonMaxChars },
  },
];

/**
 * The reason of a cancel, from the JSON body `{reason}` or `?reason=` (clients that send no
 * body on DELETE). Null when neither gives one. Both at once is refused: which one would win
 * is not obvious to whoever reads the trail later.
 */
export function cancelReason(body: ReasonBody, query: Record<string, unknown>): string | null {
  const reader = new QueryReader(
    query,
    CANCEL_QUERY.map((p) => p.name),
  );
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
