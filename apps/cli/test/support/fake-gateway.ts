/**
 * A real HTTP server speaking the gateway's documented wire format (README "HTTP API"),
 * so the CLI's HTTP and SSE client is tested over real sockets: JSON bodies, Bearer keys,
 * `{status_code, error, message}` errors, cursor pages, and an SSE stream that sends
 * `id:`/`event:`/`data:` frames, honours Last-Event-ID, closes after the terminal event, and
 * can be told to drop mid-way or refuse connections. The full system is tested against the
 * real gateway elsewhere; this stands in for it in the CLI's own suite.
 */
import type { Actor, EventEnvelope, JobStatus, JobView, PurgeProgress, RebuildProgress } from '@crux/contracts';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { envelope } from './events.js';
import { FakeTrail } from './fake-trail.js';
import { jobView, RESULT } from './jobs.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
}

interface StoredEvent {
  seq: number;
  type: string;
  envelope: EventEnvelope;
}

const TERMINAL = new Set(['completed', 'failed', 'cancel']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TERMINAL_STATUSES = new Set(['completed', 'failed', 'cancelled']);
const DURATION = /^(\d+)([smhd]?)$/;
const UNIT_S: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 };

type Principal = { name: string; role: 'submitter' | 'operator' | 'auditor' };

export interface DeletedJob {
  deleted_at: string;
  reason: string;
  actor?: Actor;
  /** The snapshot kept for restore; absent once erased. */
  snapshot?: JobView;
}

/** A purge plan as the fake keeps it: the frozen ids, the token, and how far it has run. */
export interface FakePlan {
  progress: PurgeProgress;
  ids: string[];
  token: string;
  /** Ids processed so far. */
  done: number;
}

const STATUS_AFTER: Record<string, JobStatus> = {
  created: 'pending',
  started: 'running',
  progress: 'running',
  completed: 'completed',
  failed: 'failed',
  cancel: 'cancelled',
};

export class FakeGateway {
  readonly requests: RecordedRequest[] = [];
  readonly keys = new Map<string, { name: string; role: 'submitter' | 'operator' | 'auditor' }>([
    ['sub-key', { name: 'dev-submitter', role: 'submitter' }],
    ['op-key', { name: 'dev-operator', role: 'operator' }],
    ['aud-key', { name: 'dev-auditor', role: 'auditor' }],
  ]);
  readonly jobs = new Map<string, JobView>();
  readonly deleted = new Map<string, DeletedJob>();
  readonly trail = new FakeTrail();
  readonly plans = new Map<string, FakePlan>();
  /** Jobs a purge processes per progress request: a purge advances each time its progress is read. */
  purgeBatch = 2;
  /** How long a purge plan waits for its confirmation. */
  planTtlMs = 10 * 60 * 1000;
  /** The latest rebuild of the live state (null: none recorded, GET answers 404); it advances each time its progress is read. */
  rebuild: RebuildProgress | null = null;
  /** What the fake JOBS stream holds, and how many events a rebuild reads per progress request. */
  rebuildEvents = 100;
  rebuildStep = 40;
  /** How a rebuild ends: jobs restored and tombstones kept, or failed with this error. */
  rebuildOutcome: { restored: number; deleted: number } | { error: string } = { restored: 7, deleted: 2 };
  /** A finished rebuild took this long (finished_at − started_at), so summaries are predictable. */
  rebuildTookMs = 2500;
  /** Jobs whose deletion fails when a purge reaches them. */
  readonly failDeletion = new Set<string>();
  /** Per job: for each successive event-stream connection, how many events to send before dropping it. */
  readonly dropAfter = new Map<string, number[]>();
  /** When it returns an error for a request, that error is the answer (after the request is recorded). */
  intercept: ((request: RecordedRequest) => { status: number; error: string; message: string } | undefined) | undefined;
  /** Answer the next N requests of any kind with 503, as a gateway restarting would. */
  unavailable = 0;
  /** Answer the next N event-stream requests with 503. */
  refuseStreams = 0;
  /** Jobs whose events have left the log (retention): their stream has nothing to replay. */
  readonly historyGone = new Set<string>();
  /** Sent as `retry:` when a stream opens (the reconnection delay, ms). */
  retryMs: number | undefined = 20;
  /** What a sync submit answers with, given the job; defaults to the job completed with RESULT. */
  syncAnswer: ((job: JobView) => unknown) | undefined;
  /** Number of event-stream connections opened so far, per job. */
  readonly streamConnections = new Map<string, number>();
  private readonly events = new Map<string, StoredEvent[]>();
  private readonly listeners = new Map<string, Set<(event: StoredEvent) => void>>();
  private readonly sockets = new Set<import('node:net').Socket>();
  private seq = 0;
  private server: Server | undefined;
  url = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** POST /solve/continue/{id}: the gateway's rules in brief (owner or operator; completed, unconverged, basic). */
  private continueJob(id: string, query: URLSearchParams, principal: Principal, res: ServerResponse): void {
    const raw = query.get('additional_iterations') ?? '';
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!(n >= 1 && n <= 50))
      return sendError(res, 400, 'Bad Request', `additional_iterations must be a whole number from 1 to 50, got '${raw}'`);
    const origin = this.jobs.get(id);
    if (!origin || (principal.role === 'submitter' && origin.owner !== principal.name))
      return sendError(res, 404, 'Not Found', `job ${id} not found`);
    if (origin.status !== 'completed') {
      return sendError(
        res,
        409,
        'Conflict',
        `job ${id} cannot be continued: it is ${origin.status}; only a completed job can be continued`,
      );
    }
    const job = this.addJob({ mode: 'basic', owner: origin.owner, request: { ...origin.request, n_iters: n }, continued_from: id });
    sendJson(res, 202, { job_id: job.job_id, status: 'pending', created_at: job.created_at, message: 'job accepted', continued_from: id });
  }

  /** Adds a job as if it had been submitted by `owner`, with its `created` event. */
  addJob(overrides: Partial<JobView> = {}): JobView {
    const job = jobView({ job_id: randomUUID(), created_at: new Date().toISOString(), ...overrides });
    this.jobs.set(job.job_id, job);
    this.events.set(job.job_id, []);
    this.emit(job.job_id, 'created', { mode: job.mode, owner: job.owner, request: job.request }, { kind: 'user', id: job.owner });
    return job;
  }

  /** Appends an event to a job's history, updates the job, and pushes it to open streams. */
  emit(jobId: string, type: string, data: Record<string, unknown>, actor?: Actor): void {
    const stored: StoredEvent = { seq: ++this.seq, type, envelope: envelope(jobId, type, data, actor) };
    this.events.get(jobId)?.push(stored);
    const job = this.jobs.get(jobId);
    if (job) {
      job.status = STATUS_AFTER[type] ?? job.status;
      job.version = stored.seq;
      if (type === 'progress') {
        job.progress = data.progress as number;
        job.current_phase = data.current_phase as string;
      }
      if (type === 'completed') {
        job.progress = 1;
        job.result = data.result as JobView['result'];
      }
      if (type === 'failed') job.error = data.error as string;
    }
    for (const listener of this.listeners.get(jobId) ?? []) listener(stored);
  }

  /** Runs a whole job: started, progress steps, then completed (or failed). */
  runJob(jobId: string, outcome: 'completed' | 'failed' = 'completed'): void {
    this.emit(jobId, 'started', { worker_id: 'w1', pid: 1234, attempt: 1 });
    this.emit(jobId, 'progress', { progress: 0.25, current_phase: 'iteration 1/2: generating' });
    this.emit(jobId, 'progress', { progress: 0.75, current_phase: 'iteration 2/2: evaluating' });
    if (outcome === 'completed') this.emit(jobId, 'completed', { result: RESULT });
    else this.emit(jobId, 'failed', { error: 'the provider answered 500 three times', reason: 'provider_error' });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const text = await readAll(req);
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Kept as text: the request log shows what arrived.
    }
    this.requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body });

    const forced = this.intercept?.(this.requests[this.requests.length - 1]);
    if (forced) return sendError(res, forced.status, forced.error, forced.message);
    if (this.unavailable > 0) {
      this.unavailable--;
      return sendError(res, 503, 'Service Unavailable', 'the gateway is restarting');
    }
    const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const principal = key ? this.keys.get(key) : undefined;
    if (!principal) return sendError(res, 401, 'Unauthorized', 'missing or unknown API key');

    const parts = url.pathname.replace(/^\/api\/v1\//, '').split('/');
    if (parts[0] === 'admin') return this.admin(req.method ?? '', parts.slice(1), body, principal, res);
    if (parts[0] === 'audit') return this.audit(req.method ?? '', parts.slice(1), url.searchParams, principal, res);
    if (req.method === 'DELETE' && parts[0] === 'jobs' && parts.length === 2)
      return this.cancel(decodeURIComponent(parts[1]), body, principal, res);
    if (req.method === 'POST' && parts[0] === 'solve' && (parts[1] === 'basic' || parts[1] === 'enhanced')) {
      const request = body as Record<string, unknown>;
      if (typeof request?.question !== 'string' || !request.question)
        return sendError(res, 400, 'Bad Request', 'question must not be empty');
      if (typeof request.n_iters === 'number' && request.n_iters > 50)
        return sendError(res, 400, 'Bad Request', 'n_iters must not be greater than 50');
      const { async_mode, ...rest } = request;
      const job = this.addJob({ mode: parts[1], owner: principal.name, request: rest });
      if (async_mode === false) {
        this.runJob(job.job_id);
        return sendJson(res, 200, this.syncAnswer ? this.syncAnswer(job) : job);
      }
      return sendJson(res, 202, { job_id: job.job_id, status: 'pending', created_at: job.created_at, message: 'job accepted' });
    }
    if (req.method === 'POST' && parts[0] === 'solve' && parts[1] === 'continue' && parts.length === 3) {
      return this.continueJob(decodeURIComponent(parts[2]), url.searchParams, principal, res);
    }
    if (req.method === 'GET' && parts[0] === 'jobs' && parts.length === 1) return this.list(url.searchParams, principal, res);
    if (req.method === 'GET' && parts[0] === 'jobs' && parts.length >= 2) {
      const id = decodeURIComponent(parts[1]);
      if (!UUID.test(id)) return sendError(res, 400, 'Bad Request', 'job id must be a UUID');
      const gone = this.deleted.get(id);
      if (gone) return this.sendGone(res, id, gone);
      const job = this.jobs.get(id);
      if (!job || (principal.role === 'submitter' && job.owner !== principal.name))
        return sendError(res, 404, 'Not Found', `job ${id} not found`);
      if (parts.length === 2) return sendJson(res, 200, job);
      if (parts[2] === 'events') return this.stream(id, req, res);
    }
    return sendError(res, 404, 'Not Found', `no route ${req.method} ${url.pathname}`);
  }

  /** Deletes a live job as a purge or TTL would: archived (unless erased), recorded in the trail. */
  deleteJob(jobId: string, options: { reason?: string; actor?: Actor; erase?: boolean; planId?: string } = {}): void {
    const job = this.jobs.get(jobId);
    if (!job) throw new Error(`no live job ${jobId}`);
    const reason = options.reason ?? (options.erase ? 'erase' : 'purge');
    const actor = options.actor ?? { kind: 'user', id: 'dev-operator' };
    this.jobs.delete(jobId);
    this.deleted.set(jobId, { deleted_at: new Date().toISOString(), reason, actor, snapshot: options.erase ? undefined : { ...job } });
    this.trail.append('deleted', jobId, actor, reason, { plan_id: options.planId ?? null, archived: !options.erase });
  }

  private sendGone(res: ServerResponse, id: string, gone: DeletedJob): void {
    sendJson(res, 410, {
      status_code: 410,
      error: 'Gone',
      message: `job ${id} was deleted at ${gone.deleted_at} (${gone.reason})`,
      deleted_at: gone.deleted_at,
      reason: gone.reason,
      actor: gone.actor ?? { kind: 'system', id: 'job-state' },
    });
  }

  /** DELETE /jobs/{id}: the owner or an operator cancels a pending or running job. */
  private cancel(id: string, body: unknown, principal: Principal, res: ServerResponse): void {
    if (!UUID.test(id)) return sendError(res, 400, 'Bad Request', 'job id must be a UUID');
    if (principal.role === 'auditor') return sendError(res, 403, 'Forbidden', 'auditors cannot cancel jobs');
    const gone = this.deleted.get(id);
    if (gone) return this.sendGone(res, id, gone);
    const job = this.jobs.get(id);
    if (!job || (principal.role === 'submitter' && job.owner !== principal.name))
      return sendError(res, 404, 'Not Found', `job ${id} not found`);
    if (TERMINAL_STATUSES.has(job.status)) return sendError(res, 409, 'Conflict', `job ${id} is already ${job.status}`);
    const reason = reasonOf(body);
    this.emit(id, 'cancel', { reason }, { kind: 'user', id: principal.name });
    job.completed_at = new Date().toISOString();
    this.trail.append('cancel', id, { kind: 'user', id: principal.name }, reason);
    sendJson(res, 202, job);
  }

  private admin(method: string, parts: string[], body: unknown, principal: Principal, res: ServerResponse): void {
    if (principal.role !== 'operator') return sendError(res, 403, 'Forbidden', 'operators only');
    const actor: Actor = { kind: 'user', id: principal.name };
    if (parts[0] === 'purges') {
      if (method === 'POST' && parts.length === 1) return this.plan(body, actor, res);
      const plan = this.plans.get(decodeURIComponent(parts[1] ?? ''));
      if (!plan) return sendError(res, 404, 'Not Found', `no purge plan ${parts[1]}`);
      if (method === 'POST' && parts[2] === 'confirm' && parts.length === 3) return this.confirm(plan, body, actor, res);
      if (method === 'GET' && parts.length === 2) {
        this.advance(plan);
        return sendJson(res, 200, plan.progress);
      }
    }
    if (parts[0] === 'rebuild-state' && parts.length === 1) {
      if (method === 'POST') return this.startRebuild(actor, reasonOf(body), res);
      if (method === 'GET') {
        if (!this.rebuild)
          return sendError(res, 404, 'Not Found', 'no rebuild of the live state is recorded since Redis last lost its state');
        this.advanceRebuild(this.rebuild);
        return sendJson(res, 200, this.rebuild);
      }
    }
    if (parts[0] === 'jobs' && parts.length === 3) {
      const id = decodeURIComponent(parts[1]);
      const reason = reasonOf(body);
      if (method === 'POST' && parts[2] === 'restore') {
        if (this.jobs.has(id)) return sendError(res, 409, 'Conflict', `job ${id} is live: there is nothing to restore`);
        const gone = this.deleted.get(id);
        if (!gone) return sendError(res, 404, 'Not Found', `job ${id} not found`);
        if (!gone.snapshot) return sendError(res, 410, 'Gone', `job ${id} was erased: it cannot be restored`);
        this.deleted.delete(id);
        this.jobs.set(id, gone.snapshot);
        this.trail.append('restored', id, actor, reason);
        return sendJson(res, 200, gone.snapshot);
      }
      if ((method === 'PUT' || method === 'DELETE') && parts[2] === 'hold') {
        const gone = this.deleted.get(id);
        if (gone) return this.sendGone(res, id, gone);
        const job = this.jobs.get(id);
        if (!job) return sendError(res, 404, 'Not Found', `job ${id} not found`);
        job.held = method === 'PUT';
        job.ttl_s = job.held ? null : 86_400;
        this.trail.append(job.held ? 'held' : 'released', id, actor, reason);
        return sendJson(res, 200, job);
      }
    }
    return sendError(res, 404, 'Not Found', `no route ${method} /api/v1/admin/${parts.join('/')}`);
  }

  /** A rebuild running as job-state starts one by itself when it finds Redis without its state. */
  startAutomaticRebuild(): RebuildProgress {
    this.rebuild = newRebuild('redis_empty', 'job-state', 'Redis held no jobs:projection');
    return this.rebuild;
  }

  /** POST /admin/rebuild-state: 202 with the new rebuild (nothing read yet), or 409 naming the running one, as job-state answers. */
  private startRebuild(actor: Actor, reason: string | null, res: ServerResponse): void {
    const running = this.rebuild?.status === 'running' ? this.rebuild : undefined;
    if (running) {
      return sendJson(res, 409, {
        status_code: 409,
        error: 'Conflict',
        message: `a rebuild of the live state is already running (rebuild ${running.rebuild_id}, started at ${running.started_at} by ${running.actor}: ${running.events_read} of ${running.events_total} events); follow it with GET /api/v1/admin/rebuild-state`,
        rebuild_id: running.rebuild_id,
      });
    }
    this.rebuild = newRebuild('operator', actor.id, reason);
    sendJson(res, 202, this.rebuild);
  }

  /** The first read learns the stream's size; each read after it reads rebuildStep more events, then it ends as rebuildOutcome says. */
  private advanceRebuild(rebuild: RebuildProgress): void {
    if (rebuild.status !== 'running') return;
    if (rebuild.events_total === 0) {
      rebuild.events_total = this.rebuildEvents;
      return;
    }
    rebuild.events_read = Math.min(rebuild.events_total, rebuild.events_read + this.rebuildStep);
    if (rebuild.events_read < rebuild.events_total) return;
    rebuild.finished_at = new Date(Date.parse(rebuild.started_at) + this.rebuildTookMs).toISOString();
    if ('error' in this.rebuildOutcome) {
      rebuild.status = 'failed';
      rebuild.error = this.rebuildOutcome.error;
      return;
    }
    rebuild.status = 'completed';
    rebuild.jobs_restored = this.rebuildOutcome.restored;
    rebuild.jobs_deleted = this.rebuildOutcome.deleted;
  }

  private plan(body: unknown, actor: Actor, res: ServerResponse): void {
    const request = (body ?? {}) as { job_ids?: unknown; status?: unknown; older_than?: unknown; erase?: unknown; reason?: unknown };
    let olderThanS: number | undefined;
    if (request.older_than !== undefined) {
      const match = DURATION.exec(String(request.older_than));
      if (!match) return sendError(res, 400, 'Bad Request', 'older_than must be like 7d, 12h, 30m or a number of seconds');
      olderThanS = Number(match[1]) * UNIT_S[match[2]];
    }
    const ids = Array.isArray(request.job_ids) ? (request.job_ids as string[]) : undefined;
    const statuses = Array.isArray(request.status) ? (request.status as string[]) : undefined;
    if (!ids && !statuses && olderThanS === undefined)
      return sendError(res, 400, 'Bad Request', 'a purge needs job_ids, status or older_than');
    const cutoff = olderThanS === undefined ? undefined : Date.now() - olderThanS * 1000;
    const selected = [...this.jobs.values()]
      .filter((job) => !ids || ids.includes(job.job_id))
      .filter((job) => !statuses || statuses.includes(job.status))
      .filter((job) => cutoff === undefined || Date.parse(job.created_at) < cutoff)
      .filter((job) => !job.held)
      .map((job) => job.job_id);
    const planId = randomUUID();
    const erase = request.erase === true;
    const expiresAt = new Date(Date.now() + this.planTtlMs).toISOString();
    const plan: FakePlan = {
      ids: selected,
      token: randomUUID(),
      done: 0,
      progress: {
        plan_id: planId,
        count: selected.length,
        sample: selected.slice(0, 20),
        erase,
        expires_at: expiresAt,
        status: 'planned',
        deleted: 0,
        skipped: 0,
        failed: 0,
        created_by: actor.id,
        confirmed_by: null,
      },
    };
    this.plans.set(planId, plan);
    this.trail.append('purge_planned', planId, actor, typeof request.reason === 'string' ? request.reason : null, {
      count: selected.length,
      erase,
    });
    const { status: _status, deleted: _d, skipped: _s, failed: _f, created_by: _c, confirmed_by: _b, ...view } = plan.progress;
    sendJson(res, 201, { ...view, confirm_token: plan.token });
  }

  private confirm(plan: FakePlan, body: unknown, actor: Actor, res: ServerResponse): void {
    if ((body as { confirm_token?: unknown } | undefined)?.confirm_token !== plan.token)
      return sendError(res, 403, 'Forbidden', 'wrong confirm token');
    if (plan.progress.status !== 'planned')
      return sendError(res, 409, 'Conflict', `plan ${plan.progress.plan_id} is already ${plan.progress.status}`);
    if (Date.parse(plan.progress.expires_at) <= Date.now()) {
      plan.progress.status = 'expired';
      return sendError(res, 410, 'Gone', `plan ${plan.progress.plan_id} expired at ${plan.progress.expires_at}`);
    }
    plan.progress.status = 'running';
    plan.progress.confirmed_by = actor.id;
    this.trail.append('purge_confirmed', plan.progress.plan_id, actor, null, { count: plan.progress.count });
    sendJson(res, 202, plan.progress);
  }

  /** Runs the next batch of a confirmed plan: held or vanished jobs are skipped, those in failDeletion fail. */
  private advance(plan: FakePlan): void {
    if (plan.progress.status !== 'running') return;
    const batch = plan.ids.slice(plan.done, plan.done + this.purgeBatch);
    for (const id of batch) {
      const job = this.jobs.get(id);
      if (!job || job.held) plan.progress.skipped++;
      else if (this.failDeletion.has(id)) plan.progress.failed++;
      else {
        this.deleteJob(id, {
          erase: plan.progress.erase,
          planId: plan.progress.plan_id,
          actor: { kind: 'user', id: plan.progress.confirmed_by ?? 'dev-operator' },
        });
        plan.progress.deleted++;
      }
    }
    plan.done += batch.length;
    if (plan.done >= plan.ids.length) plan.progress.status = 'completed';
  }

  private audit(method: string, parts: string[], query: URLSearchParams, principal: Principal, res: ServerResponse): void {
    if (principal.role === 'submitter') return sendError(res, 403, 'Forbidden', 'auditors and operators only');
    if (method === 'GET' && parts.length === 0) {
      const answer = this.trail.query(query);
      return answer.ok ? sendJson(res, 200, answer.page) : sendError(res, 400, 'Bad Request', answer.message);
    }
    if (method === 'GET' && parts.length === 1 && parts[0] === 'verify') return sendJson(res, 200, this.trail.verify());
    return sendError(res, 404, 'Not Found', `no route ${method} /api/v1/audit/${parts.join('/')}`);
  }

  private list(query: URLSearchParams, principal: Principal, res: ServerResponse): void {
    const status = query.get('status');
    const limit = Number(query.get('limit') ?? 50);
    const offset = query.get('cursor') ? Number(Buffer.from(query.get('cursor') as string, 'base64url').toString()) : 0;
    const visible = [...this.jobs.values()]
      .filter((job) => principal.role !== 'submitter' || job.owner === principal.name)
      .filter((job) => !status || job.status === status)
      .reverse();
    const page = visible.slice(offset, offset + limit);
    const next = offset + limit < visible.length ? Buffer.from(String(offset + limit)).toString('base64url') : null;
    sendJson(res, 200, { jobs: page, next_cursor: next });
  }

  private stream(jobId: string, req: IncomingMessage, res: ServerResponse): void {
    const connection = (this.streamConnections.get(jobId) ?? 0) + 1;
    this.streamConnections.set(jobId, connection);
    if (this.refuseStreams > 0) {
      this.refuseStreams--;
      return sendError(res, 503, 'Service Unavailable', 'job-state did not answer');
    }
    const after = Number(req.headers['last-event-id'] ?? 0);
    const history = this.historyGone.has(jobId) ? [] : (this.events.get(jobId) ?? []);
    if (TERMINAL_STATUSES.has(this.jobs.get(jobId)?.status ?? '') && !history.some((event) => event.seq > after)) {
      // As the gateway does: the job is over and the client has seen all there is, so 204 (EventSource stops retrying).
      res.writeHead(204);
      res.end();
      return;
    }
    let budget = this.dropAfter.get(jobId)?.[connection - 1] ?? Infinity;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(`: stream of job ${jobId}\n${this.retryMs !== undefined ? `retry: ${this.retryMs}\n` : ''}\n`);

    let ended = false;
    let flushed: Promise<void> = Promise.resolve();
    const write = (text: string) => {
      flushed = new Promise((resolve) => res.write(text, () => resolve()));
    };
    const send = (event: StoredEvent) => {
      if (ended || event.seq <= after) return;
      const frame = `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event.envelope)}\n\n`;
      // Frames are written in two pieces cut mid-line, so they cross TCP packets at awkward places.
      const cut = Math.floor(frame.length / 2);
      if (budget-- <= 0) {
        // A dropped connection, not a clean end: half a frame arrives, then the socket dies.
        ended = true;
        write(frame.slice(0, cut));
        void flushed.then(() => res.destroy());
        return;
      }
      write(frame.slice(0, cut));
      write(frame.slice(cut));
      if (TERMINAL.has(event.type)) {
        ended = true;
        res.end();
      }
    };
    for (const event of history) send(event);
    if (ended) return;
    const listeners = this.listeners.get(jobId) ?? new Set();
    this.listeners.set(jobId, listeners);
    listeners.add(send);
    res.on('close', () => listeners.delete(send));
  }
}

function newRebuild(trigger: RebuildProgress['trigger'], actor: string, reason: string | null): RebuildProgress {
  return {
    rebuild_id: randomUUID(),
    status: 'running',
    trigger,
    events_read: 0,
    events_total: 0,
    jobs_restored: 0,
    jobs_deleted: 0,
    started_at: new Date().toISOString(),
    finished_at: null,
    actor,
    reason,
    error: null,
  };
}

function reasonOf(body: unknown): string | null {
  const reason = (body as { reason?: unknown } | undefined)?.reason;
  return typeof reason === 'string' && reason ? reason : null;
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, error: string, message: string): void {
  sendJson(res, status, { status_code: status, error, message });
}
