/**
 * The OpenAPI 3.1 description of the gateway, written by hand next to the code it describes.
 * Limits and enumerations come from the same constants the DTOs and validators use, and
 * test/openapi.spec.ts checks that every DTO field and every registered route is here.
 */
import {
  JOB_EVENT_TYPES,
  JOB_STATUSES,
  PROVIDERS,
  RequestLimits,
  Role,
  SolveDefaults,
} from '@crux/contracts';
import { ListLimits } from '../jobs/list-query.js';
import { API_PREFIX } from '../http/api-paths.js';

type Schema = Record<string, unknown>;
type Operation = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: Schema): Schema => ({ ...schema, type: [schema.type, 'null'] });
const json = (schema: Schema) => ({ 'application/json': { schema } });

const errorResponse = (description: string) => ({ description, content: json(ref('ApiError')) });

const ERRORS = {
  400: errorResponse('Invalid input; `message` names every problem, `details.fields` lists them per field'),
  401: errorResponse('No API key, or one that is not recognised'),
  403: errorResponse("The key's role may not use this route; `message` names the role needed"),
  404: errorResponse('No such job — or one owned by someone else, which answers exactly the same'),
  410: errorResponse('The job was deleted; `details` says when and why'),
  413: errorResponse('Request body larger than CRUX_MAX_BODY_BYTES'),
  503: errorResponse('A service the gateway depends on (job-state, JetStream) is not answering'),
} as const;

const pick = <K extends keyof typeof ERRORS>(...codes: K[]) => Object.fromEntries(codes.map((code) => [code, ERRORS[code]]));

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
    200: { description: 'NATS connected and job-state answering.', content: json(ref('Readiness')) },
    503: errorResponse('Not ready; `message` and `details.checks` say which check failed'),
  },
  'Ready when the NATS connection is up and job-state answers a `job.state.get` (any reply, a 404 included, proves job-state and its Redis answer).',
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
        'the key\'s role decides what it may do: **submitter** (own jobs), **operator** (every job), ' +
        '**auditor** (the deletion trail only).',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    tags: [
      { name: 'solve', description: 'Create jobs' },
      { name: 'jobs', description: 'Read jobs and follow their events' },
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
      [`${api}/docs`]: {
        get: publicOp('This API description as a web page', 'operations', {
          200: { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } },
        }),
      },
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key from CRUX_API_KEYS (name:role:secret): send the secret.' },
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
        Readiness: {
          type: 'object',
          required: ['status', 'checks'],
          properties: {
            status: { type: 'string', const: 'ready' },
            checks: {
              type: 'object',
              properties: { nats: { type: 'string' }, job_state: { type: 'string' } },
            },
          },
        },
      },
    },
  };
}
