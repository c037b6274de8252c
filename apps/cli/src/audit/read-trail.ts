/**
 * Reading the trail through GET /audit, page by page. A page may hold fewer records than
 * asked for while more follow (the server bounds how much it scans per request), so only
 * `next_cursor: null` means the end.
 */
import type { AuditPage } from '@crux/contracts';
import { CliError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { AuditQueryParams, CruxClient } from '../http/client.js';

/** Records per request: the most the audit service serves in one page. */
export const AUDIT_PAGE_SIZE = 1000;

export interface TrailPage extends AuditPage {
  /** The cursor this page was fetched with (undefined for the first). */
  cursor: string | undefined;
}

/** Every page matching `query` from `query.cursor` (or the start) to the end of the trail. */
export async function* readTrail(
  client: CruxClient,
  query: Omit<AuditQueryParams, 'limit'>,
  limit = AUDIT_PAGE_SIZE,
): AsyncGenerator<TrailPage> {
  const seen = new Set<string>();
  let cursor = query.cursor;
  for (;;) {
    const page = await client.queryAudit({ ...query, limit, cursor });
    yield { ...page, cursor };
    const next = page.next_cursor ?? null;
    if (next === null) return;
    // A cursor that comes back again would page for ever.
    if (seen.has(next)) throw new CliError(`the gateway returned audit cursor '${next}' twice`, ExitCode.GatewayError);
    seen.add(next);
    cursor = next;
  }
}
