/**
 * The OpenAPI 3.1 description of the gateway, written by hand next to the code it describes.
 * Limits and enumerations come from the same constants the DTOs and validators use, and
 * test/openapi.spec.ts checks that every DTO field and every registered route is here.
 */
import {
  AdminLimits,
  AUDIT_ACTIONS,
  JOB_EVENT_TYPES,
  JOB_STATUSES,
  PROVIDERS,
  PurgePlanStatus,
  RequestLimits,
  Role,
  SolveDefaults,
  TERMINAL_STATUSES,
} from '@crux/contracts';
import { AuditLimits } from '../audit/audit-query.js';
import { DEFAULT_CANCEL_WAIT_MS } from '../config/gateway-config.js';
import { ListLimits } from '../jobs/list-query.js';
import { API_PREFIX } from '../http/api-paths.js';

type Schema = Record<string, unknown>;
type Operation = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

/** A rebuild of the live state from JOBS (RebuildProgress in the contracts). */
const rebuildProgress: Schema = {
  type: 'object',
  required: ['rebuild_id', 'status', 'trigger', 'events_read', 'events_total', 'jobs_restored', 'jobs_deleted', 'started_at', 'finished_at', 'actor'],
  properties: {
    rebuild_id: { type: 'string' },
    status: { type: 'string', enum: ['running', 'completed', 'failed'] },
    trigger: { type: 'string', enum: ['operator', 'redis_empty'] },
    events_read: { type: 'integer' },
    events_total: { type: 'integer' },
    jobs_restored: { type: 'integer', description: 'Jobs written back (missing or older in Redis) that live on' },
    jobs_deleted: { type: 'integer', description: 'Jobs whose deletion was applied again: they stay deleted' },
    started_at: { type: 'string', format: 'date-time' },
    finished_at: { type: 'string', format: 'date-time', nullable: true },
    actor: { type: 'string', description: "The operator's key name, or job-state for an automatic rebuild" },
    reason: { type: 'string', nullable: true },
    error: { type: 'string', nullable: true },
  },
};
const nullable = (schema: Schema): Schema => ({ ...schema, type: [schema.type, 'null'] });
const json = (schema: Schema) => ({ 'application/json': { schema } });

const errorResponse = (description: string) => ({ description, content: json(ref('ApiError')) });

const ERRORS = {
  400: errorResponse('Invalid input; `message` names every problem, `details.fields` lists them per field'),
  401: errorResponse('No API key, or one that is not recognised'),
  403: errorResponse("The key's role may not use this route; `message` names the role needed"),
  404: errorResponse('No such job — or one owned by someone else, which answers exactly the same'),
  409: errorResponse('The request conflicts with the state of the job or plan; `message` says how'),
  410: { description: 'The job was deleted; `deleted_at`, `reason` and `actor` say when, why and by whom', content: json(ref('GoneError')) },
  429: {
    ...errorResponse("The API key is over its rate limit (CRUX_RATE_LIMIT_PER_S, CRUX_RATE_LIMIT_BURST); wait the seconds `Retry-After` gives"),
    headers: { 'Retry-After': { description: 'Seconds until the key may call again', schema: { type: 'integer', minimum: 1 } } },
  },
  413: errorResponse('Request body larger than CRUX_MAX_BODY_BYTES, or too large to pass on in one NATS message (a long purge id list)'),
  502: errorResponse('A service the gateway depends on answered something the gateway does not understand'),
  503: errorResponse('A service the gateway depends on (job-state, the audit service, JetStream) is not answering'),
} as const;

/** Every route that authenticates (401) also rate-limits its key (429). */
const pick = <K extends keyof typeof ERRORS>(...codes: K[]) =>
  Object.fromEntries([...codes, ...(codes.includes(401 as K) ? [429 as K] : [])].map((code) => [code, ERRORS[code]]));

const basicRequestProperties: Record<string, Schema> = {
  question: { type: 'string', minLength: 1, maxLength: RequestLimits.questionMaxChars, description: 'The problem to solve.' },
  context: { type: 'string', maxLength: RequestLimits.contextMaxChars, description: 'Background material for the solver.' },
  n_iters: {
    type: 'integer',
    minimum: 1,
    maximum: RequestLimits.maxIters,
    default: SolveDefaults.n_iters,
    description: 'Most generate → evaluate → refine rounds; the evaluator may stop earlier.',
  },
  temperature: { type: 'number', minimum: 0, maximum: 2, description: 'Sampling temperature passed to the model.' },
  model_name: { type: 'string', maxLength: 200, description: "Model to use; the provider's default when left out." },
  llm_provider: { type: 'string', enum: [...PROVIDERS], description: 'Provider for this job; CRUX_PROVIDER when left out.' },
  async_mode: {
    type: 'boolean',
    default: true,
    description: 'true: answer 202 at once. false: wait (up to CRUX_SYNC_TIMEOUT_MS) and answer with the finished job.',
  },
  soft_time_limit_s: {
    type: 'number',
    exclusiveMinimum: 0,
    maximum: RequestLimits.maxTimeLimitS,
    description:
      'Seconds of running after which the job stops at its next step with its best candidate so far (stop_reason time_limit). ' +
      'Only lowers CRUX_SOFT_TIME_LIMIT_S, never raises it.',
  },
  time_limit_s: {
    type: 'number',
    exclusiveMinimum: 0,
    maximum: RequestLimits.maxTimeLimitS,
    description: 'Seconds of running after which the job is killed and fails with reason time_limit. Only lowers CRUX_HARD_TIME_LIMIT_S.',
  },
};

const enhancedRequestProperties: Record<string, Schema> = {
  ...basicRequestProperties,
  num_specialists: {
    type: 'integer',
    minimum: 1,
    maximum: RequestLimits.maxSpecialists,
    default: SolveDefaults.num_specialists,
    description: 'Specialists the professor plans.',
  },
  specialist_max_iters: {
    type: 'integer',
    minimum: 1,
    maximum: RequestLimits.maxIters,
    default: SolveDefaults.specialist_max_iters,
    description: "Rounds of each specialist's self-evolve.",
  },
  professor_max_iters: {
    type: 'integer',
    minimum: 1,
    maximum: RequestLimits.maxIters,
    default: SolveDefaults.professor_max_iters,
    description: "Rounds of the professor's synthesis.",
  },
  nested_self_evolve: { type: 'boolean', description: 'Let specialists run their own self-evolve loop.' },
  reasoning_effort: { type: 'string', enum: ['low', 'medium', 'high'], description: 'Effort hint passed to the model.' },
};

const solveResult: Schema = {
  type: 'object',
  required: ['output', 'iterations', 'total_tokens', 'processing_time', 'converged', 'stop_reason', 'metadata'],
  properties: {
    output: { type: 'string', description: 'The solution.' },
    iterations: { type: 'integer' },
    total_tokens: { type: 'integer' },
    processing_time: { type: 'number', description: 'Seconds.' },
    converged: { type: 'boolean' },
    stop_reason: { type: 'string', enum: ['evaluator_stop', 'max_iters', 'time_limit'] },
    metadata: { type: 'object' },
  },
};

const uuid: Schema = { type: 'string', format: 'uuid' };
const timestamp: Schema = { type: 'string', format: 'date-time' };
const status: Schema = { type: 'string', enum: [...JOB_STATUSES] };

const jobView: Schema = {
  type: 'object',
  required: ['job_id', 'status', 'created_at', 'progress', 'request', 'mode', 'owner', 'version'],
  properties: {
    job_id: uuid,
    status,
    created_at: timestamp,
    started_at: nullable(timestamp),
    completed_at: nullable(timestamp),
    progress: { type: 'number', minimum: 0, maximum: 1 },
    current_phase: nullable({ type: 'string' }),
    result: { oneOf: [ref('SolveResult'), { type: 'null' }] },
    error: nullable({ type: 'string' }),
    partial_results: { description: 'Best candidate so far, while the job runs.' },
    request: { type: 'object', description: 'The request as submitted, without async_mode.' },
    mode: { type: 'string', enum: ['basic', 'enhanced'] },
    owner: { type: 'string', description: 'Name of the API key that submitted the job.' },
    model_name: nullable({ type: 'string' }),
    continued_from: nullable(uuid),
    version: { type: 'integer', description: 'JOBS stream sequence of the last event applied.' },
    ttl_s: nullable({ type: 'integer', description: 'Seconds until the live state expires; null when it has no TTL.' }),
    held: { type: 'boolean', description: 'Under legal hold: no TTL, and no purge plan includes it.' },
  },
};

const syncJob: Schema = {
  type: 'object',
  required: ['job_id', 'status', 'mode', 'owner', 'created_at', 'started_at', 'completed_at', 'progress', 'current_phase', 'result', 'error'],
  properties: {
    job_id: uuid,
    status,
    mode: { type: 'string', enum: ['basic', 'enhanced'] },
    owner: { type: 'string' },
    created_at: timestamp,
    started_at: nullable(timestamp),
    completed_at: nullable(timestamp),
    progress: { type: 'number', minimum: 0, maximum: 1 },
    current_phase: nullable({ type: 'string' }),
    result: { oneOf: [ref('SolveResult'), { type: 'null' }] },
    error: nullable({ type: 'string', description: 'Why the job failed.' }),
  },
};

const jobIdParam = {
  name: 'id',
  in: 'path',
  required: true,
  schema: uuid,
  description: 'Job id (a UUID, as returned on submit).',
};

const planIdParam = {
  name: 'plan_id',
  in: 'path',
  required: true,
  schema: uuid,
  description: 'Purge plan id (a UUID, as returned by POST /api/v1/admin/purges).',
};

const noBody = (what: string) => ({
  required: false,
  description: `Optional: ${what}. Send no body at all, or a JSON object.`,
  content: json(ref('ReasonRequest')),
});

const actor: Schema = {
  type: 'object',
  required: ['kind', 'id'],
  properties: {
    kind: { type: 'string', enum: ['user', 'service', 'system'] },
    id: { type: 'string', description: "For users, the API key's name." },
  },
};

const purgePlan: Schema = {
  type: 'object',
  required: ['plan_id', 'count', 'sample', 'erase', 'expires_at'],
  properties: {
    plan_id: uuid,
    count: { type: 'integer', description: 'Jobs the plan froze: exactly these are deleted on confirm.' },
    sample: { type: 'array', items: uuid, maxItems: 20, description: 'Up to 20 of the frozen ids.' },
    erase: { type: 'boolean', description: "true: the jobs' content is also removed from the event log, so they cannot be restored." },
    expires_at: { ...timestamp, description: 'The confirm token is refused after this.' },
    confirm_token: {
      type: 'string',
      description: 'Only in the answer to the plan: job-state keeps it hashed. Send it to the confirm route.',
    },
  },
};

const purgeProgress: Schema = {
  type: 'object',
  required: [...(purgePlan.required as string[]), 'status', 'deleted', 'skipped', 'failed', 'created_by', 'confirmed_by'],
  properties: {
    ...(purgePlan.properties as Record<string, Schema>),
    status: { type: 'string', enum: Object.values(PurgePlanStatus) },
    deleted: { type: 'integer' },
    skipped: { type: 'integer', description: 'Put on hold since the plan, or already gone.' },
    failed: { type: 'integer' },
    created_by: { type: 'string' },
    confirmed_by: nullable({ type: 'string' }),
  },
};

const auditRecord: Schema = {
  type: 'object',
  required: ['action', 'job_id', 'actor', 'reason', 'occurred_at', 'recorded_at', 'source_event_id', 'content_hash', 'details', 'prev_hash', 'hash'],
  properties: {
    action: { type: 'string', enum: [...AUDIT_ACTIONS] },
    job_id: { type: 'string', description: 'The job, or the plan id for purge_planned and purge_confirmed.' },
    actor: ref('Actor'),
    reason: nullable({ type: 'string', description: 'Why: purge, ttl, external, erase, or the reason given.' }),
    occurred_at: timestamp,
    recorded_at: timestamp,
    source_event_id: { ...uuid, description: 'The job event this record was made from.' },
    content_hash: nullable({ type: 'string', description: "sha256 of the job's content, for deletions. Never the content itself." }),
    details: { type: 'object', description: 'Small metadata: plan id, counts, signal, pid …' },
    prev_hash: { type: 'string', description: 'hash of the record before (64 zeros for the first).' },
    hash: { type: 'string', description: 'sha256(prev_hash + canonical JSON of the record).' },
    sequence: { type: 'integer', description: 'Position in the AUDIT stream.' },
  },
};

const adminOp = (summary: string, description: string, op: Operation): Operation => ({
  summary,
  description,
  tags: ['admin'],
  'x-roles': [Role.Operator],
  ...op,
});

const auditQueryParameters = [
  { name: 'job_id', in: 'query', required: false, schema: uuid, description: 'Records of this job (or purge plan).' },
  { name: 'action', in: 'query', required: false, schema: { type: 'string', enum: [...AUDIT_ACTIONS] }, description: 'Records of this action.' },
  {
    name: 'actor',
    in: 'query',
    required: false,
    schema: { type: 'string', maxLength: AuditLimits.maxActorChars },
    description: 'Records by this actor: an id (an API key name, a worker id) or `kind:id`.',
  },
  { name: 'since', in: 'query', required: false, schema: timestamp, description: 'Occurred at or after: an ISO 8601 date (00:00 UTC) or date and time with a zone.' },
  { name: 'until', in: 'query', required: false, schema: timestamp, description: 'Occurred at or before; same forms as `since`.' },
  {
    name: 'limit',
    in: 'query',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: AuditLimits.maxLimit, default: AuditLimits.defaultLimit },
    description: 'Records per page.',
  },
  {
    name: 'cursor',
    in: 'query',
    required: false,
    schema: { type: 'string', maxLength: AuditLimits.maxCursorChars },
    description: '`next_cursor` of the previous page.',
  },
];

function solveOperation(summary: string, description: string, body: string): Operation {
  return {
    summary,
    description,
    tags: ['solve'],
    'x-roles': [Role.Submitter, Role.Operator],
    requestBody: { required: true, content: json(ref(body)) },
    responses: {
      202: {
        description: 'Accepted (async_mode true, the default). The job runs in the background.',
        headers: { Location: { description: 'The job resource', schema: { type: 'string' } } },
        content: json(ref('SubmitAccepted')),
      },
      200: { description: 'async_mode false: the job as it ended (completed, failed or cancelled).', content: json(ref('SyncJobResponse')) },
      ...pick(400, 401, 403, 413, 503),
      504: errorResponse('async_mode false and the job did not finish within CRUX_SYNC_TIMEOUT_MS; it carries on — `details` says where to poll'),
    },
  };
}

const publicOp = (summary: string, tag: string, responses: Record<string, unknown>, description?: string): Operation => ({
  summary,
  ...(description ? { description } : {}),
  tags: [tag],
  security: [],
  responses,
});

const health = publicOp('Liveness', 'operations', { 200: { description: 'The process is up.', content: json(ref('Health')) } });
const ready = publicOp(
  'Readiness',
  'operations',
  {
    200: { description: 'NATS connected, job-state and the audit service answering.', content: json(ref('Readiness')) },
    503: errorResponse('Not ready; `message` and `details.checks` say which check failed'),
  },
  'Ready when the NATS connection is up, job-state answers a `job.state.get` (any reply, a 404 included, proves job-state and its Redis answer) ' +
    'and the audit service answers an `audit.query` for one record. The audit service is required: without it the deletion trail can be neither read nor verified.',
);
const metrics = publicOp('Prometheus metrics', 'operations', {
  200: { description: 'Prometheus text format.', content: { 'text/plain': { schema: { type: 'string' } } } },
});

export function openApiDocument(): Record<string, unknown> {
  const api = `/${API_PREFIX}`;
  return {
    openapi: '3.1.0',
    info: {
      title: 'Crux jobs API',
      version: '1.0.0',
      description:
        'Long-running solve jobs. Submit a job, then poll it or follow its events. Every error answers ' +
        '`{status_code, error, message}` (+ `details`). Authenticate with `Authorization: Bearer <api key>`; ' +
        'the key\'s role decides what it may do: **submitter** (submit, read and cancel its own jobs), ' +
        '**operator** (every job; purge, restore, legal hold; the deletion trail), **auditor** (the deletion trail only).',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    tags: [
      { name: 'solve', description: 'Create jobs' },
      { name: 'jobs', description: 'Read, cancel and follow jobs' },
      { name: 'admin', description: 'Operators: purge, restore, legal hold' },
      { name: 'audit', description: 'The permanent deletion trail' },
      { name: 'operations', description: 'Health, readiness, metrics, this description' },
    ],
    paths: {
      [`${api}/solve/basic`]: {
        post: solveOperation(
          'Submit a basic job',
          'Self-evolve: up to `n_iters` rounds of generate → evaluate → refine, stopping early when the evaluator converges.',
          'SolveBasicRequest',
        ),
      },
      [`${api}/solve/enhanced`]: {
        post: solveOperation(
          'Submit an enhanced job',
          'A professor plans specialists, each runs its own self-evolve, the professor synthesises.',
          'SolveEnhancedRequest',
        ),
      },
      [`${api}/solve/continue/{id}`]: {
        post: {
          summary: 'Continue a job',
          description:
            'Continues a completed basic job whose evaluator did not converge (stop_reason max_iters or time_limit) as a NEW basic job: ' +
            "it keeps the origin's request with `n_iters` = `additional_iterations`, starts from the origin's evolution history " +
            "(its first round refines the origin's last candidate with its feedback; the origin's best carries over unless beaten), " +
            "and its result counts the origin's iterations and its own. The new job belongs to the origin's owner and has " +
            '`continued_from` = the origin. Same access as GET /jobs/{id}: another submitter\'s job answers 404.',
          tags: ['solve'],
          'x-roles': [Role.Submitter, Role.Operator],
          parameters: [
            jobIdParam,
            {
              name: 'additional_iterations',
              in: 'query',
              required: true,
              schema: { type: 'integer', minimum: 1, maximum: RequestLimits.maxIters },
              description: 'Rounds to run after the origin\'s.',
            },
          ],
          responses: {
            202: {
              description: 'Accepted: the new job runs in the background.',
              headers: { Location: { description: 'The new job', schema: { type: 'string' } } },
              content: json(ref('ContinueAccepted')),
            },
            ...pick(400, 401, 403, 404),
            409: errorResponse('The origin cannot be continued; the message says why: not completed (naming its status), converged (evaluator_stop), or an enhanced job'),
            ...pick(410, 503),
          },
        },
      },
      [`${api}/jobs`]: {
        get: {
          summary: 'List jobs',
          description: 'Newest first. Submitters see their own jobs; operators see every job.',
          tags: ['jobs'],
          'x-roles': [Role.Submitter, Role.Operator],
          parameters: [
            { name: 'status', in: 'query', required: false, schema: status, description: 'Only jobs in this status.' },
            {
              name: 'limit',
              in: 'query',
              required: false,
              schema: { type: 'integer', minimum: 1, maximum: ListLimits.maxLimit, default: ListLimits.defaultLimit },
              description: 'Jobs per page.',
            },
            {
              name: 'cursor',
              in: 'query',
              required: false,
              schema: { type: 'string', maxLength: ListLimits.maxCursorChars },
              description: '`next_cursor` of the previous page.',
            },
          ],
          responses: { 200: { description: 'A page of jobs.', content: json(ref('JobList')) }, ...pick(400, 401, 403, 503) },
        },
      },
      [`${api}/jobs/{id}`]: {
        get: {
          summary: 'Get a job',
          tags: ['jobs'],
          'x-roles': [Role.Submitter, Role.Operator],
          parameters: [jobIdParam],
          responses: { 200: { description: 'The job.', content: json(ref('JobView')) }, ...pick(400, 401, 403, 404, 410, 503) },
        },
        delete: {
          summary: 'Cancel a job',
          description:
            "The job's owner or an operator. Records a `job.cancel` event with the caller as actor (the worker running the " +
            'job stops it and records the revoke), then waits up to ' +
            `${DEFAULT_CANCEL_WAIT_MS / 1000} s for job-state to show the job cancelled. The key is kept: a cancelled job stays ` +
            'readable until its TTL. The reason goes in the JSON body `{reason}` or as `?reason=`, not both.',
          tags: ['jobs'],
          'x-roles': [Role.Submitter, Role.Operator],
          parameters: [
            jobIdParam,
            {
              name: 'reason',
              in: 'query',
              required: false,
              schema: { type: 'string', maxLength: AdminLimits.reasonMaxChars },
              description: 'Why, for clients that send no body on DELETE.',
            },
          ],
          requestBody: noBody('why the job is cancelled'),
          responses: {
            202: {
              description:
                'Cancelled: the job with status `cancelled` and `completed_at` set. Should job-state not have applied the cancel ' +
                'within the wait, the job as last seen: the cancel is recorded and still takes effect.',
              content: json(ref('JobView')),
            },
            ...pick(400, 401, 403, 404),
            409: errorResponse('The job is already completed, failed or cancelled — or finished before the cancel reached it: `job <id> is already <status>`'),
            ...pick(410, 413, 502, 503),
          },
        },
      },
      [`${api}/jobs/{id}/events`]: {
        get: {
          summary: "Follow a job's events (Server-Sent Events)",
          description:
            'The job\'s history from the event log, then its live events. Each SSE event has `id` = the event\'s ' +
            'JOBS stream sequence, `event` = its type, `data` = the event envelope (JSON). A comment line is sent ' +
            'every 15 s to keep the connection open. The stream ends after the terminal event (completed, failed, ' +
            'cancel). Reconnect with `Last-Event-ID` to resume after that event; a job that has ended and whose ' +
            'events the client has all seen answers 204, which stops an EventSource from reconnecting.',
          tags: ['jobs'],
          'x-roles': [Role.Submitter, Role.Operator],
          parameters: [
            jobIdParam,
            {
              name: 'Last-Event-ID',
              in: 'header',
              required: false,
              schema: { type: 'string', pattern: '^[0-9]+$' },
              description: 'Resume after the event with this id.',
            },
          ],
          responses: {
            200: {
              description: 'An event stream. Each `data:` line is a JobEvent.',
              content: { 'text/event-stream': { schema: { type: 'string' }, itemSchema: ref('JobEvent') } },
            },
            204: { description: 'The job has ended and the client has seen every event (resumed after the last one).' },
            ...pick(400, 401, 403, 404, 410, 503),
          },
        },
      },
      [`${api}/admin/purges`]: {
        post: adminOp(
          'Plan a purge',
          'Step one of two. Freezes the exact list of live jobs matching every filter given (at least one; never a job on hold) ' +
            'and answers with its count, a sample and a confirm token that expires. Nothing is deleted yet. Pending and running ' +
            `jobs are never purged: a \`status\` filter naming them is refused (cancel them first), and without one the plan takes only ${TERMINAL_STATUSES.join(', ')} jobs.`,
          {
            requestBody: { required: true, content: json(ref('PurgePlanRequest')) },
            responses: { 201: { description: 'The plan.', content: json(ref('PurgePlan')) }, ...pick(400, 401, 403, 413, 502, 503) },
          },
        ),
      },
      [`${api}/admin/purges/{plan_id}`]: {
        get: adminOp('Purge progress', 'The plan and, once confirmed, how far its purge has got.', {
          parameters: [planIdParam],
          responses: {
            200: { description: 'The plan and its progress.', content: json(ref('PurgeProgress')) },
            ...pick(400, 401, 403),
            404: errorResponse('No such plan'),
            ...pick(502, 503),
          },
        }),
      },
      [`${api}/admin/purges/{plan_id}/confirm`]: {
        post: adminOp(
          'Confirm a purge',
          'Step two. Deletes exactly the jobs the plan froze (skipping any put on hold or already gone since), in batches, in ' +
            "the background. Each deletion keeps the job restorable from the event log (its own history, or a snapshot for an old job; nothing with `erase`) and is recorded in the trail.",
          {
            parameters: [planIdParam],
            requestBody: { required: true, content: json(ref('PurgeConfirmRequest')) },
            responses: {
              202: { description: 'Confirmed: the purge runs; follow it with GET on the plan.', content: json(ref('PurgeProgress')) },
              ...pick(400, 401),
              403: errorResponse("The key's role is not operator, or the confirm token is not this plan's"),
              404: errorResponse('No such plan'),
              409: errorResponse('The plan was already confirmed'),
              410: errorResponse('The plan expired before it was confirmed: plan again'),
              ...pick(413, 502, 503),
            },
          },
        ),
      },
      [`${api}/admin/jobs/{id}/restore`]: {
        post: adminOp('Restore a deleted job', "Brings a deleted job back as it was, rebuilt from its history in the event log (or the snapshot its deletion carried), within the archive's retention. Recorded in the trail.", {
          parameters: [jobIdParam],
          requestBody: noBody('why the job is restored'),
          responses: {
            200: { description: 'The job as restored.', content: json(ref('JobView')) },
            ...pick(400, 401, 403),
            404: errorResponse('No archived copy of the job within retention'),
            409: errorResponse('The job is live: only a deleted job can be restored'),
            410: errorResponse('The job was erased: its content no longer exists'),
            ...pick(413, 502, 503),
          },
        }),
      },
      [`${api}/admin/rebuild-state`]: {
        post: adminOp(
          'Rebuild the live state from JOBS',
          "Replays the JOBS stream into job-state's Redis through the projection's own scripts, in the background: restores " +
            'what Redis lacks or holds older, never deletes anything live; deleted jobs stay deleted, erased ones do not come back. ' +
            'job-state also does this by itself when Redis lost its state.',
          {
            requestBody: noBody('why the rebuild is asked for'),
            responses: {
              202: { description: 'Started: follow it with GET.', content: json(rebuildProgress) },
              ...pick(400, 401, 403),
              409: errorResponse('A rebuild is already running (named in the message)'),
              ...pick(413, 502, 503),
            },
          },
        ),
        get: adminOp('Progress of the latest rebuild', 'Events read of the total, jobs restored, deletions kept, who asked and when.', {
          responses: {
            200: { description: 'The latest rebuild.', content: json(rebuildProgress) },
            ...pick(400, 401, 403),
            404: errorResponse('No rebuild is recorded since Redis last lost its state'),
            ...pick(502, 503),
          },
        }),
      },
      [`${api}/admin/jobs/{id}/hold`]: {
        put: adminOp('Put a job on legal hold', 'While on hold the job has no TTL and no purge plan includes it. Recorded in the trail.', {
          parameters: [jobIdParam],
          requestBody: noBody('why the job is held'),
          responses: {
            200: { description: 'The job, `held: true`.', content: json(ref('JobView')) },
            ...pick(400, 401, 403, 404),
            409: errorResponse('The job is already on hold'),
            ...pick(410, 413, 502, 503),
          },
        }),
        delete: adminOp('Release a legal hold', 'The job gets its TTL back and purges may include it again. Recorded in the trail.', {
          parameters: [jobIdParam],
          requestBody: noBody('why the hold ends'),
          responses: {
            200: { description: 'The job, `held: false`.', content: json(ref('JobView')) },
            ...pick(400, 401, 403, 404),
            409: errorResponse('The job is not on hold'),
            ...pick(410, 413, 502, 503),
          },
        }),
      },
      [`${api}/audit`]: {
        get: {
          summary: 'Query the deletion trail',
          description:
            'Records in the order they were appended: cancels, revokes, deletions (purge, TTL, external), restores, holds, purge ' +
            'plans and confirmations. Metadata only, never job content. All filters apply together.',
          tags: ['audit'],
          'x-roles': [Role.Auditor, Role.Operator],
          parameters: auditQueryParameters,
          responses: { 200: { description: 'A page of records.', content: json(ref('AuditPage')) }, ...pick(400, 401, 403, 502, 503) },
        },
      },
      [`${api}/audit/verify`]: {
        get: {
          summary: 'Verify the hash chain',
          description:
            'Re-hashes every record of the trail and checks each chains from the one before. A broken chain is still a 200: ' +
            '`ok` is false and `first_bad_sequence` and `problem` say which record and how.',
          tags: ['audit'],
          'x-roles': [Role.Auditor, Role.Operator],
          responses: { 200: { description: 'The verdict.', content: json(ref('ChainVerdict')) }, ...pick(400, 401, 403, 502, 503) },
        },
      },
      '/healthz': { get: health },
      [`${api}/healthz`]: { get: health },
      '/readyz': { get: ready },
      [`${api}/readyz`]: { get: ready },
      '/metrics': { get: metrics },
      [`${api}/metrics`]: { get: metrics },
      [`${api}/openapi.json`]: {
        get: publicOp('This OpenAPI document', 'operations', {
          200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } },
        }),
      },
      [`${api}/asyncapi.json`]: {
        get: publicOp('The AsyncAPI 3 description of the bus: job event subjects, envelope, payloads, trail records', 'operations', {
          200: { description: 'AsyncAPI 3', content: { 'application/json': { schema: { type: 'object' } } } },
        }),
      },
      [`${api}/docs`]: {
        get: publicOp('This API description as a web page', 'operations', {
          200: { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } },
        }),
      },
      [`${api}/whoami`]: {
        get: {
          summary: 'Who the key is',
          description: "The name and role of the API key the request carries: what the ops console shows after signing in, and a way to check a key.",
          tags: ['operations'],
          'x-roles': [Role.Submitter, Role.Operator, Role.Auditor],
          responses: { 200: { description: "The key's name and role.", content: json(ref('Whoami')) }, ...pick(401) },
        },
      },
      '/console': {
        get: publicOp(
          'The ops console',
          'operations',
          {
            200: { description: 'The console page (HTML); it signs in with an API key held in the browser tab.', content: { 'text/html': { schema: { type: 'string' } } } },
            404: errorResponse('The console is not built (npx nx build console)'),
          },
          "A browser app for operators, auditors and submitters: live jobs, a job's timeline, the trail, purges and readiness. Its own Content-Security-Policy allows scripts, styles and API calls of this origin only.",
        ),
      },
      '/console/assets/{file}': {
        get: {
          ...publicOp('A file of the ops console', 'operations', {
            200: { description: 'A script, stylesheet or image of the console build, cached for good (its name carries a content hash).' },
            404: errorResponse('No such file in the console build'),
          }),
          parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-][A-Za-z0-9._-]*$' } }],
        },
      },
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key from CRUX_API_KEYS (name:role:secret) or CRUX_API_KEYS_FILE (name:role:sha256 of the secret): send the secret.' },
      },
      schemas: {
        SolveBasicRequest: {
          type: 'object',
          required: ['question'],
          additionalProperties: false,
          properties: basicRequestProperties,
        },
        SolveEnhancedRequest: {
          type: 'object',
          required: ['question'],
          additionalProperties: false,
          properties: enhancedRequestProperties,
        },
        SubmitAccepted: {
          type: 'object',
          required: ['job_id', 'status', 'created_at', 'message'],
          properties: {
            job_id: uuid,
            status: { type: 'string', const: 'pending' },
            created_at: timestamp,
            message: { type: 'string', description: 'Where to poll and follow the job.' },
          },
        },
        ContinueAccepted: {
          type: 'object',
          required: ['job_id', 'status', 'created_at', 'message', 'continued_from'],
          properties: {
            job_id: uuid,
            status: { type: 'string', const: 'pending' },
            created_at: timestamp,
            message: { type: 'string', description: 'Where to poll and follow the new job.' },
            continued_from: { ...uuid, description: 'The origin job.' },
          },
        },
        SyncJobResponse: syncJob,
        SolveResult: solveResult,
        JobView: jobView,
        JobList: {
          type: 'object',
          required: ['jobs', 'next_cursor'],
          properties: {
            jobs: { type: 'array', items: ref('JobView') },
            next_cursor: nullable({ type: 'string', description: 'Pass as `cursor` for the next page; null on the last page.' }),
          },
        },
        JobEvent: {
          type: 'object',
          required: ['id', 'type', 'job_id', 'occurred_at', 'actor', 'correlation_id', 'causation_id', 'data'],
          properties: {
            id: { ...uuid, description: 'Event id (also its Nats-Msg-Id).' },
            type: { type: 'string', enum: [...JOB_EVENT_TYPES] },
            job_id: uuid,
            occurred_at: timestamp,
            actor: {
              type: 'object',
              required: ['kind', 'id'],
              properties: { kind: { type: 'string', enum: ['user', 'service', 'system'] }, id: { type: 'string' } },
            },
            correlation_id: { type: 'string' },
            causation_id: nullable({ type: 'string' }),
            data: { type: 'object', description: 'Depends on `type`.' },
          },
        },
        ReasonRequest: {
          type: 'object',
          additionalProperties: false,
          properties: { reason: { type: 'string', maxLength: AdminLimits.reasonMaxChars, description: 'Why; recorded in the trail.' } },
        },
        PurgePlanRequest: {
          type: 'object',
          additionalProperties: false,
          description: 'At least one of `job_ids`, `status`, `older_than`; all given apply together.',
          properties: {
            job_ids: { type: 'array', items: uuid, minItems: 1, maxItems: AdminLimits.purgeJobIdsMax, description: 'Only these jobs (the body limit bounds the list first).' },
            status: {
              type: 'array',
              items: { type: 'string', enum: [...TERMINAL_STATUSES] },
              minItems: 1,
              description: `Only jobs in these statuses; default ${TERMINAL_STATUSES.join(', ')}. pending and running are refused: cancel them first.`,
            },
            older_than: {
              oneOf: [
                { type: 'string', pattern: '^[0-9]+[smhdw]$', description: 'A duration: "30m", "12h", "7d", "2w".' },
                { type: 'integer', minimum: 0, maximum: AdminLimits.olderThanMaxS, description: 'Seconds.' },
              ],
              description: 'Only jobs created longer ago than this.',
            },
            erase: { type: 'boolean', default: false, description: "Also remove the jobs' content from the event log: they can never be restored." },
            reason: { type: 'string', maxLength: AdminLimits.reasonMaxChars, description: 'Why; recorded in the trail.' },
          },
        },
        PurgeConfirmRequest: {
          type: 'object',
          required: ['confirm_token'],
          additionalProperties: false,
          properties: {
            confirm_token: { type: 'string', minLength: 1, maxLength: AdminLimits.confirmTokenMaxChars, description: 'From the plan.' },
          },
        },
        PurgePlan: purgePlan,
        PurgeProgress: purgeProgress,
        Actor: actor,
        AuditRecord: auditRecord,
        AuditPage: {
          type: 'object',
          required: ['records', 'next_cursor'],
          properties: {
            records: { type: 'array', items: ref('AuditRecord') },
            next_cursor: nullable({ type: 'string', description: 'Pass as `cursor` for the next page; null on the last page.' }),
          },
        },
        ChainVerdict: {
          type: 'object',
          required: ['ok', 'records_checked', 'first_bad_sequence', 'problem'],
          properties: {
            ok: { type: 'boolean' },
            records_checked: { type: 'integer' },
            first_bad_sequence: nullable({ type: 'integer', description: 'The first record that does not verify.' }),
            problem: nullable({ type: 'string', description: 'What is wrong with it.' }),
          },
        },
        GoneError: {
          type: 'object',
          required: ['status_code', 'error', 'message', 'deleted_at', 'reason', 'actor'],
          properties: {
            status_code: { type: 'integer', const: 410 },
            error: { type: 'string', const: 'Gone' },
            message: { type: 'string' },
            deleted_at: timestamp,
            reason: { type: 'string', description: 'purge, ttl, external or erase.' },
            actor: ref('Actor'),
          },
        },
        ApiError: {
          type: 'object',
          required: ['status_code', 'error', 'message'],
          properties: {
            status_code: { type: 'integer' },
            error: { type: 'string', description: 'HTTP reason phrase.' },
            message: { type: 'string', description: 'What went wrong, for a person.' },
            details: { description: 'Structured detail, e.g. `fields` and `unknown_fields` of a 400.' },
          },
        },
        Health: { type: 'object', required: ['status'], properties: { status: { type: 'string', const: 'ok' } } },
        Whoami: {
          type: 'object',
          required: ['name', 'role'],
          properties: { name: { type: 'string', description: 'The key\'s name: owner of its jobs, actor in the trail.' }, role: { type: 'string', enum: [Role.Submitter, Role.Operator, Role.Auditor] } },
        },
        Readiness: {
          type: 'object',
          required: ['status', 'checks'],
          properties: {
            status: { type: 'string', const: 'ready' },
            checks: {
              type: 'object',
              properties: { nats: { type: 'string' }, job_state: { type: 'string' }, audit: { type: 'string' } },
            },
          },
        },
      },
    },
  };
}
