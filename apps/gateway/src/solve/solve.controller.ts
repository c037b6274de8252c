import { applyDecorators, Body, Controller, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Role, SolveBasicRequest, SolveEnhancedRequest, SolveMode } from '@crux/contracts';
import { Roles } from '../auth/auth.decorators.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { OpenStreams } from '../events/open-streams.js';
import { ApiHttpError } from '../errors/api-http-error.js';
import { API_PREFIX, ApiLinks } from '../http/api-paths.js';
import { clientGone } from '../http/client-gone.js';
import { ApiAnswer, ApiOp, ApiRefusal, ApiRefusals } from '../docs/api-responses.js';
import { ValidPipe } from '../validation/valid.pipe.js';
import { SolveService, type Submitted } from './solve.service.js';

/** 202 body of an accepted asynchronous job. */
export interface SubmitAccepted {
  job_id: string;
  status: 'pending';
  created_at: string;
  message: string;
}

/**
 * POST /solve/basic and /solve/enhanced: the hot path. By the time a handler runs, the edge
 * hook has authenticated and authorised the caller and the body parser has read the body;
 * what is left is the DTO check, one JetStream publish and the answer, written straight to
 * the reply: the status depends on the outcome (202, or 200/504/503 for `async_mode: false`).
 */
@Controller(`${API_PREFIX}/solve`)
@Roles(Role.Submitter, Role.Operator)
export class SolveController {
  constructor(
    private readonly solve: SolveService,
    private readonly streams: OpenStreams,
  ) {}

  @Post('basic')
  @ApiOp(
    'submitBasicJob',
    'solve',
    'Submit a basic job',
    'Self-evolve: up to `n_iters` rounds of generate → evaluate → refine, stopping early when the evaluator converges.',
  )
  @SubmitAnswers()
  basic(@Body(ValidPipe) request: SolveBasicRequest, @CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply): Promise<void> {
    return this.submit(SolveMode.Basic, request, principal, reply);
  }

  @Post('enhanced')
  @ApiOp(
    'submitEnhancedJob',
    'solve',
    'Submit an enhanced job',
    'A professor plans specialists, each runs its own self-evolve, the professor synthesises.',
  )
  @SubmitAnswers()
  enhanced(
    @Body(ValidPipe) request: SolveEnhancedRequest,
    @CurrentPrincipal() principal: Principal,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.submit(SolveMode.Enhanced, request, principal, reply);
  }

  private async submit(mode: SolveMode, request: SolveBasicRequest, principal: Principal, reply: FastifyReply): Promise<void> {
    const submitted = await this.solve.submit(mode, request, principal);
    const jobId = submitted.event.job_id;
    if (request.async_mode === false) await this.answerWhenFinished(submitted, reply);
    else accepted(reply, submitted, `job accepted; poll GET ${ApiLinks.job(jobId)} or follow ${ApiLinks.jobEvents(jobId)}`);
  }

  private async answerWhenFinished(submitted: Submitted, reply: FastifyReply): Promise<void> {
    const res = reply.raw;
    const abort = new AbortController();
    const onClose = () => abort.abort();
    res.once('close', onClose);
    if (clientGone(res)) abort.abort();
    // A shutdown stops the wait, gets its 503, and only then lets the server close.
    const tracked = this.streams.track(() => abort.abort());
    try {
      const result = await this.solve.waitForOutcome(submitted, abort.signal);
      if (clientGone(res)) return;
      const jobId = submitted.event.job_id;
      const where = { poll: ApiLinks.job(jobId), events: ApiLinks.jobEvents(jobId) };
      switch (result.kind) {
        case 'finished':
          reply.code(200).send(result.job);
          return;
        case 'timeout':
          throw new ApiHttpError(
            504,
            `job ${jobId} is still ${result.job.status} after ${result.waitedMs} ms (CRUX_SYNC_TIMEOUT_MS); ` +
              `it carries on: poll GET ${where.poll} or follow ${where.events}`,
            { job_id: jobId, status: result.job.status, ...where },
          );
        case 'interrupted':
          throw new ApiHttpError(503, `the gateway is shutting down before job ${jobId} finished; it carries on: poll GET ${where.poll}`, {
            job_id: jobId,
            status: result.job.status,
            ...where,
          });
        case 'unfollowable':
          accepted(reply, submitted, `job accepted, but the gateway cannot follow it to the end right now; poll GET ${where.poll}`);
          return;
        default: {
          const never: never = result;
          throw new Error(`unhandled wait result ${JSON.stringify(never)}`);
        }
      }
    } finally {
      res.off('close', onClose);
      tracked.done();
    }
  }
}

/** What both submit routes answer. */
function SubmitAnswers(): MethodDecorator {
  return applyDecorators(
    ApiAnswer(202, 'Accepted (async_mode true, the default): the job runs in the background.', 'SubmitAccepted', {
      Location: { description: 'The job resource', schema: { type: 'string' } },
    }),
    ApiAnswer(200, 'async_mode false: the job as it ended (completed, failed or cancelled).', 'SyncJobResponse'),
    ApiRefusals(503),
    ApiRefusal(
      504,
      'async_mode false and the job did not finish within CRUX_SYNC_TIMEOUT_MS; it carries on — `details` says where to poll.',
    ),
  );
}

function accepted(reply: FastifyReply, { event }: Submitted, message: string): void {
  const body: SubmitAccepted = { job_id: event.job_id, status: 'pending', created_at: event.occurred_at, message };
  reply.code(202).header('Location', ApiLinks.job(event.job_id)).send(body);
}
