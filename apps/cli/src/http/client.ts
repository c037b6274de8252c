/**
 * The gateway's HTTP API as the CLI uses it (the contract is README's "HTTP API"):
 * JSON in and out, `Authorization: Bearer <key>`, errors `{status_code, error, message}`.
 */
import type { IncomingMessage } from 'node:http';
import type {
  AuditPage,
  ChainVerdict,
  JobStatus,
  JobView,
  PurgePlanView,
  PurgeProgress,
  RebuildProgress,
  SolveMode,
} from '@crux/contracts';
import { ApiError, CliError, UnreachableError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { errorCode, isAbort, readBody, send, type SendOptions } from './send.js';

export const API_PREFIX = '/api/v1';
const USER_AGENT = 'crux-cli/0.1';

/** 202 answer of POST /solve/* with async_mode true. */
export interface SubmitAccepted {
  job_id: string;
  status: JobStatus;
  created_at: string;
  message: string;
}

/** 202 answer of POST /solve/continue/{id}. */
export interface ContinueAccepted extends SubmitAccepted {
  continued_from: string;
}

export interface JobPage {
  jobs: JobView[];
  next_cursor: string | null;
}

export interface ListJobsQuery {
  status?: JobStatus;
  limit?: number;
  cursor?: string;
}

/** POST /admin/purges: what to purge. `older_than` is in seconds. */
export interface PurgePlanBody {
  job_ids?: string[];
  status?: JobStatus[];
  older_than?: number;
  erase?: boolean;
  reason?: string;
}

/** 201 answer of POST /admin/purges: the frozen plan and the token that confirms it. */
export type PurgePlan = PurgePlanView & { confirm_token: string };

export interface AuditQueryParams {
  job_id?: string;
  action?: string;
  actor?: string;
  since?: string;
  until?: string;
  limit?: number;
  cursor?: string;
}

export interface ClientOptions {
  baseUrl: string;
  apiKey?: string;
  /** Added to a 401 message, e.g. how to configure a key. */
  unauthorisedHint?: string;
  /** Idle limit of ordinary requests; sync submits and event streams set their own. */
  timeoutMs?: number;
}

export class CruxClient {
  readonly baseUrl: string;

  constructor(private readonly options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /** POST /solve/{mode}. With `sync` the gateway answers only when the job has ended, so no time limit applies. */
  submit(mode: SolveMode, body: Record<string, unknown>, sync = false): Promise<unknown> {
    return this.json('POST', `/solve/${mode}`, { body, idleTimeoutMs: sync ? undefined : this.options.timeoutMs });
  }

  /** POST /solve/continue/{id}?additional_iterations=N: a new job carrying the origin further (202). */
  continueJob(jobId: string, additionalIterations: number): Promise<ContinueAccepted> {
    return this.json<ContinueAccepted>('POST', `/solve/continue/${encodeURIComponent(jobId)}`, {
      query: { additional_iterations: additionalIterations },
    });
  }

  getJob(jobId: string): Promise<JobView> {
    return this.json<JobView>('GET', `/jobs/${encodeURIComponent(jobId)}`);
  }

  async listJobs(query: ListJobsQuery): Promise<JobPage> {
    const page = await this.json<JobPage>('GET', '/jobs', {
      query: { status: query.status, limit: query.limit, cursor: query.cursor },
    });
    if (!page || !Array.isArray(page.jobs)) {
      throw new CliError('the gateway sent a job list without a "jobs" array', ExitCode.GatewayError);
    }
    return page;
  }

  /** DELETE /jobs/{id}: cancels the job (202, the job now cancelled). */
  cancelJob(jobId: string, reason?: string): Promise<JobView> {
    return this.json<JobView>('DELETE', `/jobs/${encodeURIComponent(jobId)}`, { body: { reason } });
  }

  async createPurgePlan(body: PurgePlanBody): Promise<PurgePlan> {
    const plan = await this.json<PurgePlan>('POST', '/admin/purges', { body });
    if (!plan || typeof plan.plan_id !== 'string' || typeof plan.count !== 'number' || typeof plan.confirm_token !== 'string') {
      throw new CliError('the gateway answered the purge plan without plan_id, count or confirm_token', ExitCode.GatewayError);
    }
    return plan;
  }

  confirmPurge(planId: string, confirmToken: string): Promise<PurgeProgress> {
    return this.json<PurgeProgress>('POST', `/admin/purges/${encodeURIComponent(planId)}/confirm`, {
      body: { confirm_token: confirmToken },
    });
  }

  getPurge(planId: string): Promise<PurgeProgress> {
    return this.json<PurgeProgress>('GET', `/admin/purges/${encodeURIComponent(planId)}`);
  }

  /** POST /admin/rebuild-state: job-state starts rebuilding the live state from JOBS (202); 409 names one already running. */
  async startRebuild(reason?: string): Promise<RebuildProgress> {
    return checkRebuild(await this.json<RebuildProgress>('POST', '/admin/rebuild-state', { body: { reason } }));
  }

  /** GET /admin/rebuild-state: the latest rebuild's progress (404 when none is recorded). */
  async getRebuild(): Promise<RebuildProgress> {
    return checkRebuild(await this.json<RebuildProgress>('GET', '/admin/rebuild-state'));
  }

  restoreJob(jobId: string, reason?: string): Promise<JobView> {
    return this.json<JobView>('POST', `/admin/jobs/${encodeURIComponent(jobId)}/restore`, { body: { reason } });
  }

  /** PUT (hold) or DELETE (release) /admin/jobs/{id}/hold. */
  setHold(jobId: string, held: boolean, reason?: string): Promise<JobView> {
    return this.json<JobView>(held ? 'PUT' : 'DELETE', `/admin/jobs/${encodeURIComponent(jobId)}/hold`, { body: { reason } });
  }

  async queryAudit(params: AuditQueryParams): Promise<AuditPage> {
    const page = await this.json<AuditPage>('GET', '/audit', { query: { ...params } });
    if (!page || !Array.isArray(page.records)) {
      throw new CliError('the gateway sent an audit page without a "records" array', ExitCode.GatewayError);
    }
    return page;
  }

  async verifyAudit(): Promise<ChainVerdict> {
    // Verifying walks the whole trail on the server: no idle limit, as for a sync submit.
    const verdict = await this.json<ChainVerdict>('GET', '/audit/verify', { idleTimeoutMs: undefined });
    if (!verdict || typeof verdict.ok !== 'boolean')
      throw new CliError('the gateway sent an audit verdict without "ok"', ExitCode.GatewayError);
    return verdict;
  }

  /**
   * Opens GET /jobs/{id}/events and returns the response once the gateway has accepted
   * it (a 4xx/5xx becomes an ApiError); the caller reads the body as the stream. Null for
   * 204: the job has ended and there is nothing (more) to send.
   */
  async openEvents(
    jobId: string,
    options: { lastEventId?: string; signal?: AbortSignal; idleTimeoutMs?: number } = {},
  ): Promise<IncomingMessage | null> {
    const headers: Record<string, string> = { accept: 'text/event-stream', 'cache-control': 'no-cache' };
    if (options.lastEventId) headers['last-event-id'] = options.lastEventId;
    const response = await this.exchange(`/jobs/${encodeURIComponent(jobId)}/events`, {
      method: 'GET',
      headers,
      signal: options.signal,
      idleTimeoutMs: options.idleTimeoutMs,
    });
    if (response.statusCode === 204) {
      response.resume();
      return null;
    }
    if (response.statusCode !== 200) throw await this.apiError(response);
    return response;
  }

  url(path: string, query: Record<string, string | number | undefined> = {}): URL {
    const url = new URL(`${this.baseUrl}${API_PREFIX}${path}`);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
    }
    return url;
  }

  private async json<T>(
    method: string,
    path: string,
    options: { body?: unknown; query?: Record<string, string | number | undefined>; idleTimeoutMs?: number } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.exchange(
      path,
      {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        idleTimeoutMs: 'idleTimeoutMs' in options ? options.idleTimeoutMs : this.options.timeoutMs,
      },
      options.query,
    );
    const status = response.statusCode ?? 0;
    if (status < 200 || status >= 300) throw await this.apiError(response);
    const text = await this.readOrUnreachable(response);
    try {
      return (text ? JSON.parse(text) : null) as T;
    } catch {
      throw new CliError(`the gateway sent an answer that is not JSON to ${method} ${API_PREFIX}${path}`, ExitCode.GatewayError);
    }
  }

  private async exchange(
    path: string,
    options: SendOptions,
    query?: Record<string, string | number | undefined>,
  ): Promise<IncomingMessage> {
    const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...options.headers };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    try {
      return await send(this.url(path, query), { ...options, headers });
    } catch (error) {
      throw this.wrapNetworkError(error);
    }
  }

  private async apiError(response: IncomingMessage): Promise<ApiError> {
    const status = response.statusCode ?? 0;
    const body = await this.readOrUnreachable(response);
    return ApiError.fromResponse(status, body, status === 401 ? this.options.unauthorisedHint : undefined);
  }

  private async readOrUnreachable(response: IncomingMessage): Promise<string> {
    try {
      return await readBody(response);
    } catch (error) {
      throw this.wrapNetworkError(error);
    }
  }

  /** Turns a socket-level failure into the one-line "cannot reach" error; aborts pass through. */
  wrapNetworkError(error: unknown): unknown {
    if (isAbort(error) || error instanceof CliError) return error;
    const code = errorCode(error);
    const detail = code === 'ECONNRESET' ? 'the connection was reset' : (error as Error)?.message || String(error);
    return new UnreachableError(this.baseUrl, code, detail, { cause: error });
  }
}

function checkRebuild(progress: RebuildProgress | null): RebuildProgress {
  if (!progress || typeof progress.rebuild_id !== 'string' || typeof progress.status !== 'string') {
    throw new CliError('the gateway answered about the rebuild without rebuild_id or status', ExitCode.GatewayError);
  }
  return progress;
}
