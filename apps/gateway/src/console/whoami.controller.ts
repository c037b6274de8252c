import { Controller, Get } from '@nestjs/common';
import { Role } from '@crux/contracts';
import { Roles } from '../auth/auth.decorators.js';
import { ApiAnswer, ApiOp } from '../docs/api-responses.js';
import { API_PREFIX } from '../http/api-paths.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';

/**
 * GET /api/v1/whoami: the name and role of the key the request carries. The console signs in
 * with it (a wrong key is the usual 401); any client may use it to check a key.
 */
@Controller(API_PREFIX)
export class WhoamiController {
  @Get('whoami')
  @ApiOp(
    'whoami',
    'operations',
    'Who the key is',
    'The name and role of the API key the request carries: what the ops console shows after signing in, and a way to check a key.',
  )
  @ApiAnswer(200, "The key's name and role.", 'Whoami')
  @Roles(Role.Submitter, Role.Operator, Role.Auditor)
  whoami(@CurrentPrincipal() principal: Principal): Principal {
    return { name: principal.name, role: principal.role };
  }
}
