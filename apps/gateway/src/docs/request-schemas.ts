/**
 * The request schemas of the OpenAPI document: each DTO's constraints from its validators
 * (dto-schema.ts), with the prose and defaults written here. The field lists are typed by the
 * DTO classes, so a field added to a DTO without a description here does not compile.
 */
import {
  JobIdParam,
  PlanIdParam,
  PurgeConfirmBody,
  PurgePlanBody,
  ReasonBody,
  SolveBasicRequest,
  SolveDefaults,
  SolveEnhancedRequest,
  TERMINAL_STATUSES,
} from '@crux/contracts';
import { dtoSchema, type FieldDoc, type Schema } from './dto-schema.js';

type Docs<T> = { [K in keyof Required<T>]: FieldDoc };

const basicDocs: Docs<SolveBasicRequest> = {
  question: { description: 'The problem to solve.' },
  context: { description: 'Background material for the solver.' },
  n_iters: { description: 'Most generate → evaluate → refine rounds; the evaluator may stop earlier.', default: SolveDefaults.n_iters },
  temperature: { description: 'Sampling temperature passed to the model.' },
  model_name: { description: "Model to use; the provider's default when left out." },
  llm_provider: { description: 'Provider for this job; CRUX_PROVIDER when left out.' },
  async_mode: {
    description: 'true: answer 202 at once. false: wait (up to CRUX_SYNC_TIMEOUT_MS) and answer with the finished job.',
    default: true,
  },
  soft_time_limit_s: {
    description:
      'Seconds of running after which the job stops at its next step with its best candidate so far (stop_reason time_limit). ' +
      'Only lowers CRUX_SOFT_TIME_LIMIT_S, never raises it.',
  },
  time_limit_s: {
    description: 'Seconds of running after which the job is killed and fails with reason time_limit. Only lowers CRUX_HARD_TIME_LIMIT_S.',
  },
};

const enhancedDocs: Docs<SolveEnhancedRequest> = {
  ...basicDocs,
  num_specialists: { description: 'Specialists the professor plans.', default: SolveDefaults.num_specialists },
  specialist_max_iters: { description: "Rounds of each specialist's self-evolve.", default: SolveDefaults.specialist_max_iters },
  professor_max_iters: { description: "Rounds of the professor's synthesis.", default: SolveDefaults.professor_max_iters },
  nested_self_evolve: { description: 'Let specialists run their own self-evolve loop.', default: true },
  reasoning_effort: { description: 'Effort hint passed to the model.' },
};

const reason: FieldDoc = { description: 'Why; recorded in the trail.' };

/** Component name → schema, for every body the gateway takes (named as the DTO classes). */
export function requestBodySchemas(): Record<string, Schema> {
  return {
    SolveBasicRequest: dtoSchema(SolveBasicRequest, basicDocs),
    SolveEnhancedRequest: dtoSchema(SolveEnhancedRequest, enhancedDocs),
    ReasonBody: dtoSchema(ReasonBody, { reason }),
    PurgePlanBody: {
      ...dtoSchema(PurgePlanBody, {
        job_ids: { description: 'Only these jobs (the body limit, CRUX_MAX_BODY_BYTES, bounds the list first).' },
        status: {
          description: `Only jobs in these statuses; default ${TERMINAL_STATUSES.join(', ')}. pending and running are refused: cancel them first.`,
        },
        older_than: { description: 'Only jobs created longer ago than this.' },
        erase: { description: "Also remove the jobs' content from the event log: they can never be restored.", default: false },
        reason,
      }),
      description: 'At least one of `job_ids`, `status`, `older_than`; all given apply together.',
    },
    PurgeConfirmBody: dtoSchema(PurgeConfirmBody, { confirm_token: { description: 'From the plan.' } }),
  };
}

/** The schema of each path parameter, from the DTOs the routes validate their params with. */
export const pathParameterSchemas = {
  id: dtoSchema(JobIdParam, { id: { description: 'Job id (a UUID, as returned on submit); any case.' } }),
  plan_id: dtoSchema(PlanIdParam, {
    plan_id: { description: 'Purge plan id (a UUID, as returned by POST /api/v1/admin/purges); any case.' },
  }),
} as const;
