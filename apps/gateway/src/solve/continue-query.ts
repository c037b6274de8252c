import { RequestLimits } from '@crux/contracts';
import { QueryReader, type QueryParameter } from '../http/query-reader.js';

export interface ContinueQuery {
  additional_iterations: number;
}

/** The query parameters parseContinueQuery reads, as the OpenAPI document describes them. */
export const CONTINUE_QUERY: readonly QueryParameter[] = [
  {
    name: 'additional_iterations',
    required: true,
    description: "Rounds to run after the origin's.",
    schema: { type: 'integer', minimum: 1, maximum: RequestLimits.maxIters },
  },
];

/**
 * `?additional_iterations=N`: required, a whole number from 1 to the n_iters maximum. Query
 * values are text, so it is parsed here, strictly (digits only); unknown parameters are
 * refused by name.
 */
export function parseContinueQuery(query: Record<string, unknown>): ContinueQuery {
  const reader = new QueryReader(
    query,
    CONTINUE_QUERY.map((p) => p.name),
  );
  const raw = reader.text('additional_iterations');
  let value = NaN;
  if (raw === undefined) {
    if (query.additional_iterations === undefined || query.additional_iterations === '') {
      reader.problem(
        `additional_iterations is required: how many more rounds to run, as a query parameter (?additional_iterations=N, 1 to ${RequestLimits.maxIters})`,
      );
    }
  } else {
    value = /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
    if (!(value >= 1 && value <= RequestLimits.maxIters)) {
      reader.problem(`additional_iterations must be a whole number from 1 to ${RequestLimits.maxIters}, got '${raw}'`);
    }
  }
  reader.done();
  return { additional_iterations: value };
}
