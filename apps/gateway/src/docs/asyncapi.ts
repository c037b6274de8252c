/**
 * The AsyncAPI 3 description of the bus, for those who subscribe to job events: every
 * `job.<event>.<job_id>` subject and `audit.<action>.<job_id>` trail record, the envelope and
 * each payload. Built from the contracts (event types, subjects, audit actions), so a new event
 * type without a schema and an example does not compile; the examples are typed by the
 * contracts' event types, and the test validates them against the schemas here.
 */
import {
  ActorKind,
  AUDIT_ACTIONS,
  DELETION_ARCHIVES,
  DeletionArchive,
  DeletionReason,
  FailureReason,
  GENESIS_HASH,
  JOB_EVENT_TYPES,
  JOB_STATUSES,
  JobEventType,
  SolveMode,
  StreamName,
  Subjects,
  type AuditRecord,
  type JobEvent,
  type JobView,
} from '@crux/contracts';
import { responseSchemas } from './response-schemas.js';

type Schema = Record<string, unknown>;
type EventOf<K extends JobEventType> = Extract<JobEvent, { type: K }>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: Schema): Schema => ({ oneOf: [schema, { type: 'null' }] });
const str = (description: string): Schema => ({ type: 'string', description });
const time = (description: string): Schema => ({ type: 'string', format: 'date-time', description });
const obj = (required: string[], properties: Record<string, Schema>, description?: string): Schema => ({
  type: 'object',
  ...(description ? { description } : {}),
  required,
  properties,
  additionalProperties: false,
});

/** Subjects here are written with `{job_id}` (and `{action}`) where the contracts put an id. */
const JOB_ID = '{job_id}';

// A job and its result are described once, for the HTTP answers (typed against the contracts'
// interfaces, so a field added to JobView without a schema does not compile); the bus carries
// the same shapes in `completed` and in deletion snapshots.
const { JobView, SolveResult } = responseSchemas();

const SHARED_SCHEMAS: Record<string, Schema> = {
  SolveResult,
  JobView,
  Actor: obj(
    ['kind', 'id'],
    {
      kind: { type: 'string', enum: Object.values(ActorKind) },
      id: str("the API key's name for a user; the service or component otherwise"),
    },
    'Who caused the event.',
  ),
  IterationSeed: obj(['iteration', 'candidate', 'score', 'feedback', 'stop'], {
    iteration: { type: 'integer' },
    candidate: { type: 'string' },
    score: { type: 'number' },
    feedback: { type: 'string' },
    stop: { type: 'boolean' },
  }),
  PurgeFilter: obj([], {
    job_ids: { type: 'array', items: { type: 'string' } },
    status: { type: 'array', items: { type: 'string', enum: [...JOB_STATUSES] } },
    older_than_s: { type: 'integer', minimum: 0 },
  }),
};

/** `data` of each event type. A type missing here does not compile. */
const DATA_SCHEMAS: Record<JobEventType, Schema> = {
  created: obj(['mode', 'owner', 'request', 'model_name', 'llm_provider', 'continued_from'], {
    mode: { type: 'string', enum: Object.values(SolveMode) },
    owner: str('the API key name that submitted the job'),
    request: { type: 'object', additionalProperties: true, description: 'the request as the client sent it' },
    model_name: nullable({ type: 'string' }),
    llm_provider: { type: 'string' },
    continued_from: nullable({ type: 'string' }),
    continuation: nullable(
      obj(
        ['iterations', 'best'],
        {
          iterations: { type: 'array', items: ref('IterationSeed') },
          best: obj(['output', 'score', 'iteration'], {
            output: { type: 'string' },
            score: { type: 'number' },
            iteration: { type: 'integer' },
          }),
        },
        "where a continued job's origin left off",
      ),
    ),
  }),
  started: obj(['worker_id', 'pid', 'attempt'], {
    worker_id: { type: 'string' },
    pid: { type: 'integer' },
    attempt: { type: 'integer', minimum: 1, description: '1 for the first delivery' },
  }),
  progress: obj(['progress', 'current_phase'], {
    progress: { type: 'number', minimum: 0, maximum: 1 },
    current_phase: { type: 'string' },
    partial_results: { description: 'the best candidate so far' },
  }),
  completed: obj(['result'], { result: ref('SolveResult') }),
  failed: obj(['error', 'reason'], {
    error: str('what went wrong, for a person'),
    reason: { type: 'string', enum: Object.values(FailureReason) },
  }),
  cancel: obj(['reason'], { reason: nullable({ type: 'string' }) }),
  revoked: obj(['terminated', 'outcome', 'signal', 'pid', 'worker_id', 'took_ms'], {
    terminated: { type: 'boolean' },
    outcome: { type: 'string', enum: ['terminated', 'killed', 'not-started', 'not-running'] },
    signal: nullable({ type: 'string', enum: ['SIGTERM', 'SIGKILL'] }),
    pid: nullable({ type: 'integer' }),
    worker_id: { type: 'string' },
    took_ms: { type: 'integer', minimum: 0 },
  }),
  revoke_unconfirmed: obj(['worker_id', 'waited_ms', 'detail'], {
    worker_id: nullable({ type: 'string' }),
    waited_ms: { type: 'integer' },
    detail: { type: 'string' },
  }),
  deleted: obj(['reason', 'snapshot', 'content_hash', 'plan_id'], {
    reason: { type: 'string', enum: Object.values(DeletionReason) },
    archive: {
      type: 'string',
      enum: DELETION_ARCHIVES,
      description:
        "where a restore finds the job: `snapshot` (in this event), `history` (the job's own events in JOBS up to this one, replayed), `none` (erased). Absent in events from before it existed: `snapshot` when there is one, else `none`",
    },
    snapshot: nullable(ref('JobView')),
    job: nullable(
      obj(
        ['owner', 'status', 'mode', 'created_at', 'version'],
        {
          owner: { type: 'string' },
          status: { type: 'string', enum: JOB_STATUSES },
          mode: { type: 'string', enum: Object.values(SolveMode) },
          created_at: time('when the job was created'),
          version: { type: 'integer', minimum: 0, description: 'JOBS sequence of the last event applied to the job: the version deleted' },
        },
        'The deleted job without its content; null when erased. Absent in older events, whose snapshot holds the same.',
      ),
    ),
    content_hash: str("sha256 naming the job's content (its stored fields), kept even when erased; the trail record carries it"),
    plan_id: nullable({ type: 'string' }),
  }),
  restored: obj(['snapshot', 'from_event_id', 'reason'], {
    snapshot: ref('JobView'),
    from_event_id: str('the deleted event restored from'),
    reason: nullable({ type: 'string' }),
    content_hash: str('the content hash of the restored job, as its deletion named it'),
  }),
  held: obj(['reason'], { reason: nullable({ type: 'string' }) }),
  released: obj(['reason'], { reason: nullable({ type: 'string' }) }),
  purge_planned: obj(['plan_id', 'count', 'filter', 'erase', 'expires_at', 'ids_hash', 'reason'], {
    plan_id: { type: 'string' },
    count: { type: 'integer', minimum: 0 },
    filter: ref('PurgeFilter'),
    erase: { type: 'boolean' },
    expires_at: time('the confirm token expires then'),
    ids_hash: str('sha256 of the frozen, sorted id list'),
    reason: nullable({ type: 'string' }),
  }),
  purge_confirmed: obj(['plan_id', 'count', 'erase', 'ids_hash'], {
    plan_id: { type: 'string' },
    count: { type: 'integer', minimum: 0 },
    erase: { type: 'boolean' },
    ids_hash: { type: 'string' },
  }),
};

const SUMMARIES: Record<JobEventType, string> = {
  created: 'A job was submitted (or continued from another).',
  started: 'A worker started the job in one of its child processes.',
  progress: 'The job made progress: fraction done, current phase, best candidate so far.',
  completed: 'The job completed with its result.',
  failed: 'The job failed (error, worker_lost, time_limit, provider_error).',
  cancel: 'Its owner or an operator cancelled the job.',
  revoked: 'The worker holding the cancelled job killed its child (or it had not started).',
  revoke_unconfirmed: 'No worker confirmed the kill of a cancelled job in time.',
  deleted:
    'The job was deleted (purge, TTL, erase, or removed outside Crux): its snapshot, or a reference to its history in JOBS (a purge), and its content hash.',
  restored: 'An operator restored a deleted job from its snapshot or its history.',
  held: 'An operator put the job under legal hold.',
  released: 'An operator released the legal hold.',
  purge_planned: 'An operator planned a purge; `job_id` is the plan id.',
  purge_confirmed: 'An operator confirmed a purge plan; `job_id` is the plan id.',
};

const JOB = '3f2c9a1e-6b7d-4c8e-9f01-23456789abcd';
const PLAN = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const AT = '2026-12-06T10:00:00.000Z';
const user = { kind: ActorKind.User, id: 'alice' } as const;
const ops = { kind: ActorKind.User, id: 'ops' } as const;
const worker = { kind: ActorKind.Service, id: 'crux-worker' } as const;
const jobState = { kind: ActorKind.Service, id: 'crux-job-state' } as const;
const envelope = <K extends JobEventType>(type: K, id: string, jobId = JOB) => ({
  id,
  type,
  job_id: jobId,
  occurred_at: AT,
  correlation_id: jobId,
});
const SNAPSHOT: JobView = {
  job_id: JOB,
  status: 'completed',
  created_at: AT,
  started_at: AT,
  completed_at: AT,
  progress: 1,
  current_phase: 'done',
  result: {
    output: '10000',
    iterations: 2,
    total_tokens: 0,
    processing_time: 1.2,
    converged: true,
    stop_reason: 'evaluator_stop',
    metadata: {},
  },
  error: null,
  partial_results: null,
  request: { question: 'What is the sum of the first 100 odd numbers?' },
  mode: 'basic',
  owner: 'alice',
  model_name: null,
  continued_from: null,
  version: 7,
};

/** One example per event type, typed by the contracts: a field the contracts lack does not compile. */
const EXAMPLES: { [K in JobEventType]: EventOf<K> } = {
  created: {
    ...envelope('created', '11111111-1111-4111-8111-111111111111'),
    actor: user,
    causation_id: null,
    data: {
      mode: 'basic',
      owner: 'alice',
      request: { question: 'What is the sum of the first 100 odd numbers?', n_iters: 3 },
      model_name: null,
      llm_provider: 'simulated',
      continued_from: null,
    },
  },
  started: {
    ...envelope('started', '22222222-2222-4222-8222-222222222222'),
    actor: worker,
    causation_id: '11111111-1111-4111-8111-111111111111',
    data: { worker_id: 'host-a-1234', pid: 4321, attempt: 1 },
  },
  progress: {
    ...envelope('progress', '33333333-3333-4333-8333-333333333333'),
    actor: worker,
    causation_id: '11111111-1111-4111-8111-111111111111',
    data: { progress: 0.5, current_phase: 'evaluate 1/3' },
  },
  completed: {
    ...envelope('completed', '44444444-4444-4444-8444-444444444444'),
    actor: worker,
    causation_id: '11111111-1111-4111-8111-111111111111',
    data: { result: SNAPSHOT.result! },
  },
  failed: {
    ...envelope('failed', '55555555-5555-4555-8555-555555555555'),
    actor: worker,
    causation_id: '11111111-1111-4111-8111-111111111111',
    data: { error: 'openai provider: model m at gpu-1:8000 timed out', reason: FailureReason.Provider },
  },
  cancel: {
    ...envelope('cancel', '66666666-6666-4666-8666-666666666666'),
    actor: user,
    causation_id: null,
    data: { reason: 'wrong question' },
  },
  revoked: {
    ...envelope('revoked', '77777777-7777-4777-8777-777777777777'),
    actor: worker,
    causation_id: '66666666-6666-4666-8666-666666666666',
    data: { terminated: true, outcome: 'terminated', signal: 'SIGTERM', pid: 4321, worker_id: 'host-a-1234', took_ms: 40 },
  },
  revoke_unconfirmed: {
    ...envelope('revoke_unconfirmed', '88888888-8888-4888-8888-888888888888'),
    actor: jobState,
    causation_id: '66666666-6666-4666-8666-666666666666',
    data: { worker_id: 'host-a-1234', waited_ms: 5000, detail: 'no revoke confirmed within 5000 ms' },
  },
  deleted: {
    ...envelope('deleted', '99999999-9999-4999-8999-999999999999'),
    actor: ops,
    causation_id: null,
    data: {
      reason: DeletionReason.Purge,
      archive: DeletionArchive.History,
      snapshot: null,
      job: {
        owner: SNAPSHOT.owner,
        status: SNAPSHOT.status,
        mode: SNAPSHOT.mode,
        created_at: SNAPSHOT.created_at,
        version: SNAPSHOT.version,
      },
      content_hash: 'a'.repeat(64),
      plan_id: PLAN,
    },
  },
  restored: {
    ...envelope('restored', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa'),
    actor: ops,
    causation_id: null,
    data: {
      snapshot: SNAPSHOT,
      from_event_id: '99999999-9999-4999-8999-999999999999',
      reason: 'deleted by mistake',
      content_hash: 'a'.repeat(64),
    },
  },
  held: {
    ...envelope('held', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb'),
    actor: ops,
    causation_id: null,
    data: { reason: 'litigation hold' },
  },
  released: { ...envelope('released', 'cccccccc-cccc-4ccc-8ccc-cccccccccccc'), actor: ops, causation_id: null, data: { reason: null } },
  purge_planned: {
    ...envelope('purge_planned', 'dddddddd-dddd-4ddd-8ddd-dddddddddddd', PLAN),
    actor: ops,
    causation_id: null,
    data: {
      plan_id: PLAN,
      count: 2,
      filter: { status: ['failed'], older_than_s: 604800 },
      erase: false,
      expires_at: AT,
      ids_hash: 'b'.repeat(64),
      reason: 'weekly clean-up',
    },
  },
  purge_confirmed: {
    ...envelope('purge_confirmed', 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee', PLAN),
    actor: ops,
    causation_id: 'dddddddd-dddd-4ddd-8ddd-dddddddddddd',
    data: { plan_id: PLAN, count: 2, erase: false, ids_hash: 'b'.repeat(64) },
  },
};

const AUDIT_EXAMPLE: AuditRecord = {
  action: 'deleted',
  job_id: JOB,
  actor: ops,
  reason: 'purge',
  occurred_at: AT,
  recorded_at: AT,
  source_event_id: '99999999-9999-4999-8999-999999999999',
  content_hash: 'a'.repeat(64),
  details: { plan_id: PLAN },
  prev_hash: GENESIS_HASH,
  hash: 'c'.repeat(64),
};

/** The envelope of an event of `type`, its `data` given by DATA_SCHEMAS. */
function eventSchema(type: JobEventType): Schema {
  return obj(['id', 'type', 'job_id', 'occurred_at', 'actor', 'correlation_id', 'causation_id', 'data'], {
    id: str('unique; also its Nats-Msg-Id, so a retried publish is stored once'),
    type: { type: 'string', const: type },
    job_id: str(type.startsWith('purge_') ? 'the purge plan id' : 'the job'),
    occurred_at: time('when it happened'),
    actor: ref('Actor'),
    correlation_id: str('the request or job this event belongs to (the job id for job events)'),
    causation_id: nullable(str('the event that caused this one')),
    data: DATA_SCHEMAS[type],
  });
}

/** The channel key of an event type, e.g. `jobCompleted`. */
export const channelKey = (type: string) => `job${type.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase())}`;

/** The AsyncAPI 3.1 document served at /api/v1/asyncapi.json. */
export function asyncApiDocument(): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const schemas: Record<string, Schema> = { ...SHARED_SCHEMAS };
  for (const type of JOB_EVENT_TYPES) {
    const key = channelKey(type);
    schemas[`${key}Event`] = eventSchema(type);
    messages[key] = {
      name: type,
      title: `job.${type}`,
      summary: SUMMARIES[type],
      contentType: 'application/json',
      headers: obj([], { 'Nats-Msg-Id': str('the event id') }),
      payload: ref(`${key}Event`),
      examples: [{ name: type, payload: EXAMPLES[type] }],
    };
    channels[key] = {
      address: Subjects.jobEvent(type, JOB_ID),
      title: `job.${type}.<job_id>`,
      description: `${SUMMARIES[type]} Stored in the ${StreamName.Jobs} stream (retention CRUX_ARCHIVE_RETENTION_S).`,
      parameters: { job_id: { description: type.startsWith('purge_') ? 'the purge plan id' : 'the job id (a UUID)' } },
      messages: { [type]: { $ref: `#/components/messages/${key}` } },
    };
    operations[`receive${key[0].toUpperCase()}${key.slice(1)}`] = {
      action: 'receive',
      title: `Receive job.${type}`,
      channel: { $ref: `#/channels/${key}` },
      messages: [{ $ref: `#/channels/${key}/messages/${type}` }],
    };
  }
  schemas.AuditRecord = obj(
    [
      'action',
      'job_id',
      'actor',
      'reason',
      'occurred_at',
      'recorded_at',
      'source_event_id',
      'content_hash',
      'details',
      'prev_hash',
      'hash',
    ],
    {
      action: { type: 'string', enum: [...AUDIT_ACTIONS] },
      job_id: str('the job, or the plan id for purge_planned and purge_confirmed'),
      actor: ref('Actor'),
      reason: nullable(str('why: the deletion reason, a cancel reason, …')),
      occurred_at: time('when the fact happened'),
      recorded_at: time('when the trail recorded it'),
      source_event_id: str('the JOBS event the record was made from'),
      content_hash: nullable(str("sha256 of the job's content, where the event carried it")),
      details: {
        type: 'object',
        additionalProperties: true,
        description: 'small metadata: plan id, counts, signal, pid; never request or result text',
      },
      prev_hash: str('the hash of the record before (64 zeros for the first)'),
      hash: str('sha256(prev_hash + canonical JSON of the record without the hashes)'),
    },
    'One record of the permanent, hash-chained deletion trail.',
  );
  messages.auditRecord = {
    name: 'audit_record',
    title: 'audit record',
    summary: 'A record of the deletion trail, appended by the audit service.',
    contentType: 'application/json',
    payload: ref('AuditRecord'),
    examples: [{ name: 'deleted', payload: AUDIT_EXAMPLE }],
  };
  channels.auditRecords = {
    address: Subjects.auditRecord('{action}', JOB_ID),
    title: 'audit.<action>.<job_id>',
    description: `The trail, stored forever in the ${StreamName.Audit} stream (deny_delete, deny_purge), oldest first; records chain by hash.`,
    parameters: {
      action: { enum: [...AUDIT_ACTIONS], description: 'what the record is about' },
      job_id: { description: 'the job, or the purge plan id' },
    },
    messages: { record: { $ref: '#/components/messages/auditRecord' } },
  };
  operations.receiveAuditRecords = {
    action: 'receive',
    title: 'Receive trail records',
    channel: { $ref: '#/channels/auditRecords' },
    messages: [{ $ref: '#/channels/auditRecords/messages/record' }],
  };

  return {
    asyncapi: '3.1.0',
    info: {
      title: 'Crux jobs — job events and the deletion trail',
      version: '1.0.0',
      description:
        `What a subscriber can read on NATS. Every job event is published on \`job.<event>.<job_id>\` and stored in the ${StreamName.Jobs} JetStream stream; ` +
        "`job.*.<id>` is one job's whole history. The deletion trail's records are on `audit.<action>.<job_id>` in the " +
        `${StreamName.Audit} stream. Subjects under \`job.state.*\` and \`audit.query\`/\`audit.verify\` are requests between the services, not events. ` +
        'Subscribe as the read-only `subscriber` NATS user (deploy/nats/nats-server.conf).',
    },
    defaultContentType: 'application/json',
    servers: {
      nats: { host: '127.0.0.1:4222', protocol: 'nats', description: 'NATS_URL of the deployment (a three-node cluster in production)' },
    },
    channels,
    operations,
    components: { schemas, messages },
  };
}
