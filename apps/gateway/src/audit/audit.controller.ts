import { Controller, Get, Query } from '@nestjs/common';
import { Role, type AuditPage, type ChainVerdict } from '@crux/contracts';
import { Roles } from '../auth/auth.decorators.js';
import { ApiAnswer, ApiOp, ApiQueryParams, ApiRefusals } from '../docs/api-responses.js';
import { API_PREFIX } from '../http/api-paths.js';
import { noQuery } from '../http/query-reader.js';
import { AuditClient } from './audit.client.js';
import { AUDIT_QUERY, parseAuditQuery } from './audit-query.js';

/** The permanent deletion trail, read-only: auditors and operators. */
@Controller(`${API_PREFIX}/audit`)
@Roles(Role.Auditor, Role.Operator)
export class AuditController {
  constructor(private readonly audit: AuditClient) {}

  @Get()
  @ApiOp(
    'queryAudit',
    'audit',
    'Query the deletion trail',
    'Records in the order they were appended: cancels, revokes, deletions (purge, TTL, external), restores, holds, purge plans ' +
      'and confirmations. Metadata only, never job content. All filters apply together.',
  )
  @ApiQueryParams(AUDIT_QUERY)
  @ApiAnswer(200, 'A page of records.', 'AuditPage')
  @ApiRefusals(502, 503)
  query(@Query() query: Record<string, unknown>): Promise<AuditPage> {
    return this.audit.query(parseAuditQuery(query));
  }

  /** 200 whatever the verdict: `ok: false` names the first record that does not verify. */
  @Get('verify')
  @ApiOp(
    'verifyAudit',
    'audit',
    'Verify the hash chain',
    'Re-hashes every record of the trail and checks each chains from the one before. A broken chain is still a 200: `ok` is ' +
      'false and `first_bad_sequence` and `problem` say which record and how.',
  )
  @ApiAnswer(200, 'The verdict.', 'ChainVerdict')
  @ApiRefusals(502, 503)
  verify(@Query() query: Record<string, unknown>): Promise<ChainVerdict> {
    noQuery(query);
    return this.audit.verify();
  }
}
