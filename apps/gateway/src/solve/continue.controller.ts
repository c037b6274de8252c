import type { FastifyReply } from 'fastify';
import { Controller, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { JobIdParam, Role } from '@crux/contracts';
import { Roles } from '../auth/auth.decorators.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { API_PREFIX, ApiLinks } from '../http/api-paths.js';
import { ApiAnswer, ApiIdParam, ApiOp, ApiQueryParams, ApiRefusal, ApiRefusals } from '../docs/api-responses.js';
import { ValidPipe } from '../validation/valid.pipe.js';
import { CONTINUE_QUERY, parseContinueQuery } from './continue-query.js';
import { ContinueService, type ContinueAccepted } from './continue.service.js';

/** Continuing a completed, unconverged basic job as a new job (the origin's owner or an operator). */
@Controller(`${API_PREFIX}/solve/continue`)
@Roles(Role.Submitter, Role.Operator)
export class ContinueController {
  constructor(private readonly continues: ContinueService) {}

  @Post(':id')
  @HttpCode(202)
  @ApiOp(
    'continueJob',
    'solve',
    'Continue a job',
    'Continues a completed basic job whose evaluator did not converge (stop_reason max_iters or time_limit) as a NEW basic job: ' +
      "it keeps the origin's request with `n_iters` = `additional_iterations`, starts from the origin's evolution history " +
      "(its first round refines the origin's last candidate with its feedback; the origin's best carries over unless beaten), " +
      "and its result counts the origin's iterations and its own. The new job belongs to the origin's owner and has " +
      "`continued_from` = the origin. Same access as GET /jobs/{id}: another submitter's job answers 404.",
  )
  @ApiIdParam('id')
  @ApiQueryParams(CONTINUE_QUERY)
  @ApiAnswer(202, 'Accepted: the new job runs in the background.', 'ContinueAccepted', {
    Location: { description: 'The new job', schema: { type: 'string' } },
  })
  @ApiRefusals(404, 410, 503)
  @ApiRefusal(
    409,
    'The origin cannot be continued; `message` says why: not completed (naming its status), converged (evaluator_stop), an enhanced job, or a history too long to carry.',
  )
  async continue(
    @Param(ValidPipe) params: JobIdParam,
    @Query() query: Record<string, unknown>,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ContinueAccepted> {
    const { additional_iterations } = parseContinueQuery(query);
    const accepted = await this.continues.continue(params.id, additional_iterations, principal);
    reply.header('Location', ApiLinks.job(accepted.job_id));
    return accepted;
  }
}
