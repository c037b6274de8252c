import { Controller, Get, Query } from '@nestjs/common';
import { Role, type AuditPage, type ChainVerdict } from '@crux/contracts';
import { Roles } from '../auth/auth.decorators.js';
import { API_PREFIX } from '../http/api-paths.js';
import { noQuery } from '../http/query-reader.js';
import { AuditClient } from './audit.client.js';
import { parseAuditQuery } from './audit-query.js';

/** The permanent deletion trail, read-only: auditors and operators. */
@Controller(`${API_PREFIX}/audit`)
@Roles(Role.Auditor, Role.Operator)
export class AuditController {
  constructor(private readonly audit: AuditClient) {}

  @Get()
  query(@Query() query: Record<string, unknown>): Promise<AuditPage> {
    return this.audit.query(parseAuditQuery(query));
  }

  /** 200 whatever the verdict: `ok: false` names the first record that does not verify. */
  @Get('verify')
  verify(@Query() query: Record<string, unknown>): Promise<ChainVerdict> {
    noQuery(query);
    return this.audit.verify();
  }
}
