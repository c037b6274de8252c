import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { QueueGroup, Subjects, type JobCancelled, type JobView, type RebuildProgress } from '@crux/contracts';
import { RpcServer } from '@crux/messaging';
import { AuditResponder } from './support/audit-responder.js';
import {
  errorBody,
  Keys,
  startTestGateway,
  startTestNats,
  type Answer,
  type Gateway,
  type KeyName,
  type RequestOptions,
  type TestNats,
} from './support/gateway-fixture.js';
import { jobView, notFound, StateResponder } from './support/state-responder.js';

const PLAN = '8c3a4b5d-6e7f-4a81-9b2c-3d4e5f607182';
const TOKEN = 'plan-token';

/** Who calls: a key, or no key at all. Submitters appear twice for routes on one job: its owner, and another submitter. */
type Caller = 'owner' | 'other submitter' | 'operator' | 'auditor' | 'no key';

const KEY_OF: Record<Caller, KeyName | null> = {
  owner: 'alice',
  'other submitter': 'bob',
  operator: 'ops',
  auditor: 'audit',
  'no key': null,
};

interface Route {
  name: string;
  /** Path and request for one call; `job` is a fresh job owned by alice. */
  request: (job: string) => { path: string; options: RequestOptions };
  expect: Record<Caller, number>;
  /** An SSE stream: only the status and headers are read, then the request is aborted. */
  stream?: boolean;
  /** More to check once the route answered 2xx (e.g. whose jobs a list asked for). */
  check?: (caller: Caller, answer: Answer, state: StateResponder) => void;
  /** How the fresh job differs from a running one, for routes that need a job in another state. */
  job?: Partial<JobView>;
}

/** A completed basic job whose evaluator did not converge: one that can be continued. */
const CONTINUABLE: Partial<JobView> = {
  status: 'completed',
  result: {
    output: 'answer',
    iterations: 1,
    total_tokens: 10,
    processing_time: 0.1,
    converged: false,
    stop_reason: 'max_iters',
    metadata: {
      best_iteration: 1,
      best_score: 0.5,
      history: [{ iteration: 1, candidate: 'answer', score: 0.5, feedback: 'more', stop: false }],
    },
  },
};

const OPERATOR_ONLY = { owner: 403, 'other submitter': 403, operator: 0, auditor: 403, 'no key': 401 };
const TRAIL_READERS = { owner: 403, 'other submitter': 403, operator: 200, auditor: 200, 'no key': 401 };

const SUBMITTERS = { owner: 202, 'other submitter': 202, operator: 202, auditor: 403, 'no key': 401 };
const OWN_JOB = { owner: 200, 'other submitter': 404, operator: 200, auditor: 403, 'no key': 401 };
const ANYONE = { owner: 200, 'other submitter': 200, operator: 200, auditor: 200, 'no key': 200 };

/** The README's authorisation table, row by row: every route of the API. */
const routes: Route[] = [
  {
    name: 'POST /solve/basic',
    request: () => ({ path: '/api/v1/solve/basic', options: { body: { question: 'matrix' } } }),
    expect: SUBMITTERS,
  },
  {
    name: 'POST /solve/enhanced',
    request: () => ({ path: '/api/v1/solve/enhanced', options: { body: { question: 'matrix' } } }),
    expect: SUBMITTERS,
  },
  {
    name: 'POST /solve/continue/{id}',
    request: (job) => ({ path: `/api/v1/solve/continue/${job}?additional_iterations=1`, options: { method: 'POST' } }),
    expect: { ...OWN_JOB, owner: 202, operator: 202 },
    job: CONTINUABLE,
  },
  { name: 'GET /jobs/{id}', request: (job) => ({ path: `/api/v1/jobs/${job}`, options: {} }), expect: OWN_JOB },
  {
    name: 'GET /jobs',
    request: () => ({ path: '/api/v1/jobs?limit=5', options: {} }),
    expect: { ...OWN_JOB, 'other submitter': 200 },
    // A submitter's list is of their own jobs only; an operator's of everyone's.
    check: (caller, _answer, state) => expect(state.lists.at(-1)?.owner).toBe(caller === 'operator' ? undefined : KEY_OF[caller]),
  },
  { name: 'GET /jobs/{id}/events', request: (job) => ({ path: `/api/v1/jobs/${job}/events`, options: {} }), expect: OWN_JOB, stream: true },
  {
    name: 'DELETE /jobs/{id}',
    request: (job) => ({ path: `/api/v1/jobs/${job}`, options: { method: 'DELETE', body: { reason: 'matrix' } } }),
    expect: { owner: 202, 'other submitter': 404, operator: 202, auditor: 403, 'no key': 401 },
  },
  {
    name: 'POST /admin/purges',
    request: (job) => ({ path: '/api/v1/admin/purges', options: { body: { job_ids: [job] } } }),
    expect: { ...OPERATOR_ONLY, operator: 201 },
  },
  {
    name: 'POST /admin/purges/{plan_id}/confirm',
    request: () => ({ path: `/api/v1/admin/purges/${PLAN}/confirm`, options: { body: { confirm_token: TOKEN } } }),
    expect: { ...OPERATOR_ONLY, operator: 202 },
  },
  {
    name: 'GET /admin/purges/{plan_id}',
    request: () => ({ path: `/api/v1/admin/purges/${PLAN}`, options: {} }),
    expect: { ...OPERATOR_ONLY, operator: 200 },
  },
  {
    name: 'POST /admin/jobs/{id}/restore',
    request: (job) => ({ path: `/api/v1/admin/jobs/${job}/restore`, options: { method: 'POST' } }),
    expect: { ...OPERATOR_ONLY, operator: 200 },
  },
  {
    name: 'PUT /admin/jobs/{id}/hold',
    request: (job) => ({ path: `/api/v1/admin/jobs/${job}/hold`, options: { method: 'PUT', body: { reason: 'matrix' } } }),
    expect: { ...OPERATOR_ONLY, operator: 200 },
  },
  {
    name: 'DELETE /admin/jobs/{id}/hold',
    request: (job) => ({ path: `/api/v1/admin/jobs/${job}/hold`, options: { method: 'DELETE' } }),
    expect: { ...OPERATOR_ONLY, operator: 200 },
  },
  {
    name: 'POST /admin/rebuild-state',
    request: () => ({ path: '/api/v1/admin/rebuild-state', options: { method: 'POST' } }),
    expect: { ...OPERATOR_ONLY, operator: 202 },
  },
  {
    name: 'GET /admin/rebuild-state',
    request: () => ({ path: '/api/v1/admin/rebuild-state', options: {} }),
    expect: { ...OPERATOR_ONLY, operator: 200 },
  },
  { name: 'GET /audit', request: () => ({ path: '/api/v1/audit?action=deleted', options: {} }), expect: TRAIL_READERS },
  { name: 'GET /audit/verify', request: () => ({ path: '/api/v1/audit/verify', options: {} }), expect: TRAIL_READERS },
  { name: 'GET /whoami', request: () => ({ path: '/api/v1/whoami', options: {} }), expect: { ...ANYONE, 'no key': 401 } },
  { name: 'GET /healthz', request: () => ({ path: '/healthz', options: {} }), expect: ANYONE },
  { name: 'GET /console', request: () => ({ path: '/console', options: {} }), expect: ANYONE },
  { name: 'GET /metrics', request: () => ({ path: '/metrics', options: {} }), expect: ANYONE },
  { name: 'GET /openapi.json', request: () => ({ path: '/api/v1/openapi.json', options: {} }), expect: ANYONE },
  { name: 'GET /docs', request: () => ({ path: '/api/v1/docs', options: {} }), expect: ANYONE },
];

const CALLERS: Caller[] = ['owner', 'other submitter', 'operator', 'auditor', 'no key'];
const cells = routes.flatMap((route) =>
  CALLERS.map((caller) => ({
    route: route.name,
    caller,
    status: route.expect[caller],
    make: route.request,
    stream: route.stream ?? false,
    check: route.check,
    jobState: route.job ?? {},
  })),
);

/** Opens an SSE stream just long enough to read its status. */
async function openStream(url: string, caller: Caller): Promise<number> {
  const abort = new AbortController();
  const key = KEY_OF[caller];
  const response = await fetch(url, { headers: key ? { authorization: `Bearer ${Keys[key]}` } : {}, signal: abort.signal });
  abort.abort();
  return response.status;
}

describe('who may use each route (the README authorisation table)', () => {
  let nats: TestNats;
  let gateway: Gateway;
  let state: StateResponder;
  let audit: AuditResponder;
  const jobs = new Map<string, JobView>();
  let cancelWatch: { unsubscribe(): void };
  let rebuildWatch: RpcServer;
  let rebuildAsks = 0;
  /** Requests that reached job-state's commands or the audit service. */
  const reached = () =>
    Object.values(state.commands).reduce((n, list) => n + list.length, 0) + audit.queries.length + audit.verifies + rebuildAsks;

  beforeAll(async () => {
    nats = await startTestNats();
    gateway = await startTestGateway(nats.server.url);
    const view = (id: string): JobView => jobs.get(id) ?? jobView({ job_id: id, status: 'completed' });
    state = await StateResponder.start(
      nats.server.url,
      ({ job_id, owner }) => {
        const job = jobs.get(job_id);
        return job && (owner === undefined || owner === job.owner) ? { ok: true, value: job } : notFound(job_id);
      },
      undefined,
      {
        purgePlan: () => ({
          ok: true,
          value: { plan_id: PLAN, count: 1, sample: [], erase: false, expires_at: new Date().toISOString(), confirm_token: TOKEN },
        }),
        purgeConfirm: () => ({
          ok: true,
          value: {
            plan_id: PLAN,
            count: 1,
            sample: [],
            erase: false,
            expires_at: new Date().toISOString(),
            status: 'running',
            deleted: 0,
            skipped: 0,
            failed: 0,
            created_by: 'ops',
            confirmed_by: 'ops',
          },
        }),
        purgeStatus: () => ({
          ok: true,
          value: {
            plan_id: PLAN,
            count: 1,
            sample: [],
            erase: false,
            expires_at: new Date().toISOString(),
            status: 'planned',
            deleted: 0,
            skipped: 0,
            failed: 0,
            created_by: 'ops',
            confirmed_by: null,
          },
        }),
        restore: ({ job_id }) => ({ ok: true, value: view(job_id) }),
        hold: ({ job_id }) => ({ ok: true, value: { ...view(job_id), held: true } }),
        release: ({ job_id }) => ({ ok: true, value: { ...view(job_id), held: false } }),
      },
    );
    audit = await AuditResponder.start(nats.server.url);
    // job-state's rebuild requests: counted, so a refused caller is seen asking nothing.
    const rebuild: RebuildProgress = {
      rebuild_id: PLAN,
      status: 'running',
      trigger: 'operator',
      events_read: 0,
      events_total: 0,
      jobs_restored: 0,
      jobs_deleted: 0,
      started_at: new Date().toISOString(),
      finished_at: null,
      actor: 'ops',
      reason: null,
      error: null,
    };
    rebuildWatch = new RpcServer({ url: nats.server.url, name: 'rebuild-state', queue: QueueGroup.JobState });
    for (const subject of [Subjects.stateRebuild, Subjects.stateRebuildStatus]) {
      rebuildWatch.answer(subject, () => {
        rebuildAsks++;
        return { ok: true, value: rebuild };
      });
    }
    await rebuildWatch.startAnswering();
    cancelWatch = nats.nc.subscribe('job.cancel.*', {
      callback: (_err, msg) => {
        const event = msg.json<JobCancelled>();
        const job = jobs.get(event.job_id);
        if (job) jobs.set(job.job_id, { ...job, status: 'cancelled', completed_at: event.occurred_at });
      },
    });
    await nats.nc.flush();
  });

  afterAll(async () => {
    cancelWatch?.unsubscribe();
    await rebuildWatch?.close();
    await state?.stop();
    await audit?.stop();
    await gateway?.close();
    await nats?.close();
  });

  it.each(cells)('$route by $caller answers $status', async ({ caller, status, make, stream, check, jobState }) => {
    const job = randomUUID();
    jobs.set(job, jobView({ job_id: job, owner: 'alice', status: 'running', ...jobState }));
    const { path, options } = make(job);
    const reachedBefore = reached();
    const eventsBefore = await nats.messageCount();
    if (stream && status < 400) {
      expect(await openStream(`${gateway.url}${path}`, caller)).toBe(status);
      return;
    }
    const answer = await gateway.request(path, { ...options, key: KEY_OF[caller] });
    expect(answer.status).toBe(status);
    if (status < 400) check?.(caller, answer, state);
    if (status >= 400) {
      errorBody(answer);
      // A refused caller changes nothing and asks nothing.
      expect(reached()).toBe(reachedBefore);
      expect(await nats.messageCount()).toBe(eventsBefore);
    }
    if (status === 403) expect(answer.json.message).toContain(`the API key '${KEY_OF[caller]}' has the`);
  });
});
