import { ApiHttpError } from '../errors/api-http-error.js';

/** One query parameter a parser reads, as the OpenAPI document describes it (a JSON Schema of its value). */
export interface QueryParameter {
  name: string;
  required?: boolean;
  description: string;
  schema: Record<string, unknown>;
}

/**
 * Reads query parameters strictly, collecting every problem so one 400 names them all.
 * Unknown parameters are refused by name, like unknown body fields: a misspelt `actr=`
 * must not silently widen a query.
 */
export class QueryReader {
  private readonly problems: string[] = [];

  constructor(
    private readonly query: Record<string, unknown>,
    allowed: readonly string[],
  ) {
    const unknown = Object.keys(query).filter((key) => !allowed.includes(key));
    if (unknown.length > 0) {
      const allowedText = allowed.length > 0 ? `allowed: ${allowed.join(', ')}` : 'this route takes none';
      this.problems.push(`unknown query parameter${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (${allowedText})`);
    }
  }

  /** A parameter given at most once; undefined when absent or empty. */
  text(name: string): string | undefined {
    const value = this.query[name];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') {
      this.problems.push(`${name} must be given once`);
      return undefined;
    }
    return value;
  }

  problem(message: string): void {
    this.problems.push(message);
  }

  /** Throws the 400 naming every problem found, if any. */
  done(): void {
    if (this.problems.length > 0) throw new ApiHttpError(400, this.problems.join('; '));
  }
}

/** Refuses any query parameter on a route that takes none. */
export function noQuery(query: Record<string, unknown>): void {
  new QueryReader(query, []).done();
}
