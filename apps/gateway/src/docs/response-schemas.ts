/**
 * The response schemas of the OpenAPI document. Each object schema is typed by the contract
 * interface the gateway answers with: a field added to (or removed from) JobView, say, does
 * not compile until its schema says so, and a field the interface may leave out must be
 * marked `optional` here (required otherwise). The e2e suite checks real answers against them.
 */
import {
  ActorKind,
  AUDIT_ACTIONS,
  DeletionReason,
  JOB_EVENT_TYPES,
  JOB_STATUSES,
  PurgePlanStatus,
  RebuildStatus,
  RebuildTrigger,
  Role,
  SolveMode,
  type Actor,
  type ApiError,
  type AuditPage,
  type AuditRecord,
  type ChainVerdict,
  type EventEnvelope,
  type GoneError,
  type JobView,
  type ListJobsReply,
  type PurgePlanView,
  type PurgeProgress,
  type RebuildProgress,
  type SolveResult,
} from '@crux/contracts';
import type { Principal } from '../auth/principal.js';
import type { Readiness } from '../health/readiness.service.js';
import type { SyncJobResponse } from '../solve/job-outcome.js';
import type { ContinueAccepted } from '../solve/continue.service.js';
import type { SubmitAccepted } from '../solve/solve.controller.js';
import type { Schema } from './dto-schema.js';

const OPTIONAL = Symbol('optional');
interface Optional {
  [OPTIONAL]: Schema;
}
/** A field the interface declares with `?`: left out of `required`. */
const optional = (schema: Schema): Optional => ({ [OPTIONAL]: schema });

type IsOptional<T, K extends keyof T> = object extends Pick<T, K> ? true : false;
type Properties<T> = { [K in keyof Required<T>]: IsOptional<T, K> extends true ? Optional : Schema };

function object<T>(properties: Properties<T>, description?: string): Schema {
  const required: string[] = [];
  const out: Record<string, Schema> = {};
  for (const [name, value] of Object.entries(properties as Record<string, Schema | Optional>)) {
    if (OPTIONAL in value) out[name] = (value as Optional)[OPTIONAL];
    else {
      out[name] = value as Schema;
      required.push(name);
    }
  }
  return { type: 'object', ...(description ? { description } : {}), required, properties: out };
}

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: Schema): Schema =>
  typeof schema.type === 'string' ? { ...schema, type: [schema.type, 'null'] } : { oneOf: [schema, { type: 'null' }] };
const uuid: Schema = { type: 'string', format: 'uuid' };
const timestamp: Schema = { type: 'string', format: 'date-time' };
const text = (description?: string): Schema => ({ type: 'string', ...(description ? { description } : {}) });
const count = (description?: string): Schema => ({ type: 'integer', minimum: 0, ...(description ? { description } : {}) });
const status: Schema = { type: 'string', enum: [...JOB_STATUSES] };
const mode: Schema = { type: 'string', enum: Object.values(SolveMode) };
const progress: Schema = { type: 'number', minimum: 0, maximum: 1 };
const nextCursor = nullable(text('Pass as `cursor` for the next page; null on the last page.'));

const purgePlanFields: Properties<PurgePlanView> = {
  plan_id: uuid,
  count: count('Jobs the plan froze: exactly these are deleted on confirm.'),
  sample: { type: 'array', items: uuid, maxItems: 20, description: 'Up to 20 of the frozen ids.' },
  erase: { type: 'boolean', description: "true: the jobs' content is also removed from the event log, so they cannot be restored." },
  expires_at: { ...timestamp, description: 'The confirm token is refused after this.' },
  confirm_token: optional(text('Only in the answer to the plan: job-state keeps it hashed. Send it to the confirm route.')),
};

const apiErrorFields: Properties<ApiError> = {
  status_code: { type: 'integer', minimum: 400, maximum: 599, description: 'The HTTP status, again.' },
  error: text('HTTP reason phrase.'),
  message: text('What went wrong, for a person.'),
  details: optional({ description: 'Structured detail, e.g. `fields` and `unknown_fields` of a 400, `checks` of a 503 from readyz.' }),
};

/** Component name → schema, for every answer body the gateway sends. */
export function responseSchemas(): Record<string, Schema> {
  return {
    SubmitAccepted: object<SubmitAccepted>({
      job_id: uuid,
      status: { type: 'string', const: 'pending' },
      created_at: timestamp,
      message: text('Where to poll and follow the job.'),
    }),
    ContinueAccepted: object<ContinueAccepted>({
      job_id: uuid,
      status: { type: 'string', const: 'pending' },
      created_at: timestamp,
      message: text('Where to poll and follow the new job.'),
      continued_from: { ...uuid, description: 'The origin job.' },
    }),
    SolveResult: object<SolveResult>({
      output: text('The solution.'),
      iterations: count(),
      total_tokens: count(),
      processing_time: { type: 'number', minimum: 0, description: 'Seconds.' },
      converged: { type: 'boolean' },
      stop_reason: { type: 'string', enum: ['evaluator_stop', 'max_iters', 'time_limit'] },
      metadata: { type: 'object', description: 'Provider report, history, and for enhanced jobs the plan and each specialist.' },
    }),
    SyncJobResponse: object<SyncJobResponse>({
      job_id: uuid,
      status,
      mode,
      owner: text('Name of the API key that submitted the job.'),
      created_at: timestamp,
      started_at: nullable(timestamp),
      completed_at: nullable(timestamp),
      progress,
      current_phase: nullable(text()),
      result: nullable(ref('SolveResult')),
      error: nullable(text('Why the job failed.')),
    }),
    JobView: object<JobView>({
      job_id: uuid,
      status,
      created_at: timestamp,
      started_at: nullable(timestamp),
      completed_at: nullable(timestamp),
      progress,
      current_phase: nullable(text()),
      result: nullable(ref('SolveResult')),
      error: nullable(text()),
      partial_results: { description: 'Best candidate so far, while the job runs (any JSON).' },
      request: { type: 'object', description: 'The request as submitted, without async_mode.' },
      mode,
      owner: text('Name of the API key that submitted the job.'),
      model_name: nullable(text()),
      continued_from: nullable(uuid),
      version: count('JOBS stream sequence of the last event applied.'),
      ttl_s: optional(nullable({ type: 'integer', description: 'Seconds until the live state expires; null when it has no TTL.' })),
      held: optional({ type: 'boolean', description: 'Under legal hold: no TTL, and no purge plan includes it.' }),
    }),
    JobList: object<ListJobsReply>({ jobs: { type: 'array', items: ref('JobView') }, next_cursor: nextCursor }),
    Actor: object<Actor>({
      kind: { type: 'string', enum: Object.values(ActorKind) },
      id: text("For users, the API key's name; the service or component otherwise."),
    }),
    JobEvent: object<EventEnvelope>(
      {
        id: { ...uuid, description: 'Event id (also its Nats-Msg-Id).' },
        type: { type: 'string', enum: [...JOB_EVENT_TYPES] },
        job_id: uuid,
        occurred_at: timestamp,
        actor: ref('Actor'),
        correlation_id: text(),
        causation_id: nullable(text()),
        data: { type: 'object', description: 'Depends on `type`: /api/v1/asyncapi.json describes each.' },
      },
      'One event of the JOBS stream, as the `data:` of a Server-Sent Event.',
    ),
    PurgePlan: object<PurgePlanView>(purgePlanFields),
    PurgeProgress: object<PurgeProgress>({
      ...purgePlanFields,
      status: { type: 'string', enum: Object.values(PurgePlanStatus) },
      deleted: count(),
      skipped: count('Put on hold since the plan, or already gone.'),
      failed: count(),
      created_by: text(),
      confirmed_by: nullable(text()),
    }),
    RebuildProgress: object<RebuildProgress>({
      rebuild_id: text(),
      status: { type: 'string', enum: Object.values(RebuildStatus) },
      trigger: { type: 'string', enum: Object.values(RebuildTrigger) },
      events_read: count(),
      events_total: count(),
      jobs_restored: count('Jobs written back (missing or older in Redis) that live on.'),
      jobs_deleted: count('Jobs whose deletion was applied again: they stay deleted.'),
      started_at: timestamp,
      finished_at: nullable(timestamp),
      actor: text("The operator's key name, or job-state for an automatic rebuild."),
      reason: nullable(text()),
      error: nullable(text('Why a failed rebuild stopped.')),
    }),
    AuditRecord: object<AuditRecord>({
      action: { type: 'string', enum: [...AUDIT_ACTIONS] },
      job_id: text('The job, or the plan id for purge_planned and purge_confirmed.'),
      actor: ref('Actor'),
      reason: nullable(text('Why: purge, ttl, external, erase, or the reason given.')),
      occurred_at: timestamp,
      recorded_at: timestamp,
      source_event_id: { ...uuid, description: 'The job event this record was made from.' },
      content_hash: nullable(text("sha256 of the job's content, for deletions. Never the content itself.")),
      details: { type: 'object', description: 'Small metadata: plan id, counts, signal, pid …' },
      prev_hash: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'hash of the record before (64 zeros for the first).' },
      hash: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'sha256(prev_hash + canonical JSON of the record).' },
      sequence: optional(count('Position in the AUDIT stream.')),
    }),
    AuditPage: object<AuditPage>({ records: { type: 'array', items: ref('AuditRecord') }, next_cursor: nextCursor }),
    ChainVerdict: object<ChainVerdict>({
      ok: { type: 'boolean' },
      records_checked: count(),
      first_bad_sequence: nullable({ type: 'integer', description: 'The first record that does not verify.' }),
      problem: nullable(text('What is wrong with it.')),
    }),
    Whoami: object<Principal>({
      name: text("The key's name: owner of its jobs, actor in the trail."),
      role: { type: 'string', enum: Object.values(Role) },
    }),
    Health: object<{ status: 'ok' }>({ status: { type: 'string', const: 'ok' } }),
    Readiness: object<Omit<Readiness, 'ready'> & { status: 'ready' }>({
      status: { type: 'string', const: 'ready' },
      checks: object<Readiness['checks']>({ nats: text(), job_state: text(), audit: text() }),
    }),
    ApiError: object<ApiError>(
      apiErrorFields,
      'Every error answer: `{status_code, error, message}`, with `details` where there is more to say.',
    ),
    GoneError: object<GoneError>(
      {
        ...apiErrorFields,
        status_code: { type: 'integer', const: 410 },
        deleted_at: timestamp,
        reason: { type: 'string', enum: Object.values(DeletionReason), description: 'Why it was deleted.' },
        actor: ref('Actor'),
      },
      'A job that was deleted: when, why and by whom.',
    ),
  };
}
