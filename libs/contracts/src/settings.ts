/**
 * Every environment setting Crux reads, with its default, in one place. Services call
 * `loadSettings(process.env)` once at start; a bad value stops the service with a message
 * that names the setting, rather than surfacing later as a strange failure.
 */
import { hostname } from 'node:os';
import { ROLES, type Role } from './actor.js';
import { PROVIDERS, type ProviderName } from './dto/solve-constants.js';

export interface ApiKey {
  /** The principal: owns jobs and appears as actor in the trail. */
  name: string;
  role: Role;
  secret: string;
}

export interface Settings {
  natsUrl: string;
  redisUrl: string;
  httpPort: number;
  httpHost: string;
  apiKeys: ApiKey[];
  production: boolean;
  provider: ProviderName;
  simulatedLatencyMs: number;
  openaiBaseUrl: string | null;
  openaiApiKey: string | null;
  model: string | null;
  /** The openai provider: how long to wait for a connection, and then for the whole answer. */
  openaiConnectTimeoutMs: number;
  openaiReadTimeoutMs: number;
  /** Retries of one model call after a 429, a 5xx, a timeout or a network error (attempts = retries + 1). */
  openaiMaxRetries: number;
  /** First backoff wait (doubling each retry, full jitter) and the cap on any one wait, Retry-After included. */
  openaiRetryBaseMs: number;
  openaiRetryMaxMs: number;
  workerConcurrency: number;
  workerId: string;
  revokeGraceMs: number;
  ttlActiveS: number;
  ttlCompletedS: number;
  ttlFailedS: number;
  ttlCancelledS: number;
  archiveRetentionS: number;
  streamReplicas: number;
  /** Deliveries of one job before it is failed as `worker_lost`. */
  maxAttempts: number;
  /** How long a worker may stay silent before JetStream redelivers its job. */
  ackWaitMs: number;
  syncTimeoutMs: number;
  requestTimeoutMs: number;
  maxBodyBytes: number;
  /** How long a purge plan's confirm token stays valid. */
  purgePlanTtlS: number;
  purgeBatchSize: number;
  /** Redis's own TTL runs this much longer than job-state's expiry sweep: the backstop. */
  expiryGraceS: number;
  expirySweepMs: number;
  /** A cancelled running job whose worker has not confirmed the kill by then gets revoke_unconfirmed. */
  revokeConfirmMs: number;
  /** A file of `name:role:sha256hex` lines: keys held as digests of their secrets (the gateway reads it). */
  apiKeysFile: string | null;
  /** Requests per second each API key may make to the gateway, on average (token bucket refill). */
  rateLimitPerS: number;
  /** How many requests one API key may make at once before the refill rate applies (token bucket size). */
  rateLimitBurst: number;
  /** Event streams (SSE) one API key may hold open at once on one gateway. */
  sseMaxStreamsPerKey: number;
  /** Event streams (SSE) one gateway holds open at once, all keys together. */
  sseMaxStreams: number;
  /** How long a client may take to send a request's headers (slowloris). */
  httpHeadersTimeoutMs: number;
  /** How long a client may take to send a whole request, headers and body (answers may take longer). */
  httpRequestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open between requests. */
  httpKeepAliveTimeoutMs: number;
  /** A running job stops at its next step boundary after this long, with its best candidate (stop_reason time_limit). */
  softTimeLimitS: number;
  /** A running job still going after this long is killed and fails with reason time_limit. */
  hardTimeLimitS: number;
  /** `json`: one JSON object per line, for log systems; `text`: readable lines for a terminal. */
  logFormat: LogFormat;
  /** The least severe level printed. */
  logLevel: LogLevelName;
  /** worker, job-state and audit answer /healthz and /readyz on this port; null: no health port. */
  healthPort: number | null;
}

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
/** Most severe first, as Nest names them. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** Documentation of each setting: the README's configuration table is written from this. */
export const SETTINGS_DOC: ReadonlyArray<{ name: string; default: string; meaning: string }> = [
  { name: 'NATS_URL', default: 'nats://127.0.0.1:4222', meaning: 'NATS server(s), comma-separated' },
  { name: 'REDIS_URL', default: 'redis://127.0.0.1:6379', meaning: 'Redis holding the live job state' },
  { name: 'CRUX_HTTP_PORT', default: '8000', meaning: 'gateway HTTP port' },
  { name: 'CRUX_HTTP_HOST', default: '0.0.0.0', meaning: 'bind address of the gateway and of the health port' },
  { name: 'CRUX_API_KEYS', default: '(none)', meaning: 'comma-separated name:role:secret; roles submitter, operator, auditor' },
  { name: 'NODE_ENV', default: 'development', meaning: 'production refuses to start without API keys' },
  { name: 'CRUX_PROVIDER', default: 'simulated', meaning: 'default provider (simulated or openai)' },
  { name: 'CRUX_SIMULATED_LATENCY_MS', default: '200', meaning: 'latency of each simulated model call' },
  { name: 'OPENAI_BASE_URL', default: '(none)', meaning: 'OpenAI-compatible server, e.g. https://host/v1' },
  { name: 'OPENAI_API_KEY', default: '(none)', meaning: 'bearer token for that server' },
  { name: 'CRUX_MODEL', default: '(none)', meaning: 'model name for the openai provider' },
  { name: 'CRUX_OPENAI_CONNECT_TIMEOUT_MS', default: '10000', meaning: 'openai provider: how long to wait for a TCP/TLS connection' },
  {
    name: 'CRUX_OPENAI_READ_TIMEOUT_MS',
    default: '120000',
    meaning: 'openai provider: how long to wait for the whole answer once connected',
  },
  { name: 'CRUX_OPENAI_MAX_RETRIES', default: '4', meaning: 'openai provider: retries of a call after 429, 5xx, timeout or network error' },
  { name: 'CRUX_OPENAI_RETRY_BASE_MS', default: '500', meaning: 'openai provider: first backoff wait, doubled each retry (full jitter)' },
  { name: 'CRUX_OPENAI_RETRY_MAX_MS', default: '30000', meaning: 'openai provider: cap on one backoff wait, Retry-After included' },
  { name: 'CRUX_WORKER_CONCURRENCY', default: '4', meaning: "child processes in a worker's pool" },
  { name: 'CRUX_WORKER_ID', default: '<hostname>-<pid>', meaning: 'worker name in events' },
  { name: 'CRUX_REVOKE_GRACE_MS', default: '2000', meaning: 'SIGTERM → SIGKILL grace on revoke' },
  { name: 'CRUX_TTL_ACTIVE_S', default: '86400', meaning: 'safety TTL of pending/running jobs, refreshed on progress' },
  { name: 'CRUX_TTL_COMPLETED_S', default: '604800', meaning: 'TTL of a completed job' },
  { name: 'CRUX_TTL_FAILED_S', default: '86400', meaning: 'TTL of a failed job' },
  { name: 'CRUX_TTL_CANCELLED_S', default: '86400', meaning: 'TTL of a cancelled job' },
  { name: 'CRUX_ARCHIVE_RETENTION_S', default: '2592000', meaning: 'how long events and deleted jobs are kept (JOBS max_age)' },
  { name: 'CRUX_STREAM_REPLICAS', default: '1', meaning: 'JetStream replicas (3 in a cluster)' },
  { name: 'CRUX_MAX_ATTEMPTS', default: '3', meaning: 'runs of a job that may begin without ending before it fails as worker_lost' },
  { name: 'CRUX_ACK_WAIT_MS', default: '30000', meaning: 'silence after which a job is redelivered to another worker' },
  { name: 'CRUX_SYNC_TIMEOUT_MS', default: '600000', meaning: 'how long async_mode=false waits for the result' },
  { name: 'CRUX_REQUEST_TIMEOUT_MS', default: '5000', meaning: 'gateway → job-state request timeout' },
  { name: 'CRUX_MAX_BODY_BYTES', default: '262144', meaning: 'largest accepted request body' },
  { name: 'CRUX_PURGE_PLAN_TTL_S', default: '600', meaning: "how long a purge plan's confirm token is valid" },
  { name: 'CRUX_PURGE_BATCH_SIZE', default: '500', meaning: 'jobs deleted per batch when a purge runs' },
  { name: 'CRUX_EXPIRY_GRACE_S', default: '60', meaning: "Redis's own TTL outlives job-state's expiry by this much (backstop)" },
  { name: 'CRUX_EXPIRY_SWEEP_MS', default: '250', meaning: 'how often job-state looks for jobs due to expire' },
  { name: 'CRUX_REVOKE_CONFIRM_MS', default: '5000', meaning: 'a revoke not confirmed by then is recorded as revoke_unconfirmed' },
  {
    name: 'CRUX_API_KEYS_FILE',
    default: '(none)',
    meaning: 'file of name:role:sha256hex lines (# comments): keys stored as sha256 digests of their secrets',
  },
  { name: 'CRUX_RATE_LIMIT_PER_S', default: '50', meaning: 'requests per second per API key (token bucket refill)' },
  { name: 'CRUX_RATE_LIMIT_BURST', default: '100', meaning: 'requests one API key may make at once (token bucket size)' },
  {
    name: 'CRUX_SSE_MAX_STREAMS_PER_KEY',
    default: '20',
    meaning: 'event streams one API key may hold open on a gateway; beyond it 429 with Retry-After',
  },
  { name: 'CRUX_SSE_MAX_STREAMS', default: '1000', meaning: 'event streams a gateway holds open in all; beyond it 503 with Retry-After' },
  {
    name: 'CRUX_HTTP_HEADERS_TIMEOUT_MS',
    default: '10000',
    meaning: "how long a client may take to send a request's headers before the gateway answers 408 and closes",
  },
  {
    name: 'CRUX_HTTP_REQUEST_TIMEOUT_MS',
    default: '30000',
    meaning: 'how long a client may take to send a whole request (headers and body); answers may take longer',
  },
  { name: 'CRUX_HTTP_KEEP_ALIVE_TIMEOUT_MS', default: '5000', meaning: 'how long an idle keep-alive connection stays open' },
  {
    name: 'CRUX_SOFT_TIME_LIMIT_S',
    default: '1800',
    meaning: 'a running job stops at its next step with its best candidate so far (stop_reason time_limit); must be below the hard limit',
  },
  {
    name: 'CRUX_HARD_TIME_LIMIT_S',
    default: '3600',
    meaning: 'a running job still going is killed (SIGTERM, then SIGKILL) and fails with reason time_limit',
  },
  {
    name: 'CRUX_LOG_FORMAT',
    default: 'json when NODE_ENV=production, else text',
    meaning: 'json: one JSON object per line (level, time, service, message, job_id, plan_id, actor…); text: readable lines',
  },
  { name: 'CRUX_LOG_LEVEL', default: 'log', meaning: 'least severe level printed: fatal, error, warn, log, debug or verbose' },
  {
    name: 'CRUX_HEALTH_PORT',
    default: '(none)',
    meaning: 'worker, job-state and audit serve GET /healthz and /readyz on this port (bound to CRUX_HTTP_HOST)',
  },
];

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value ? value : fallback;
}

function optional(env: Env, name: string): string | null {
  const value = env[name]?.trim();
  return value ? value : null;
}

function int(env: Env, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SettingsError(`${name} must be a whole number from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}

/** Seconds, fractions allowed (tests use tenths), above zero. */
function positiveSeconds(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new SettingsError(`${name} must be a number of seconds above 0, got '${raw}'`);
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = text(env, name, fallback);
  if (!(allowed as readonly string[]).includes(value))
    throw new SettingsError(`${name} must be one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}

/** The soft limit only means something below the hard one: the kill would always come first. */
function timeLimits(env: Env): { softTimeLimitS: number; hardTimeLimitS: number } {
  const softTimeLimitS = positiveSeconds(env, 'CRUX_SOFT_TIME_LIMIT_S', 1800);
  const hardTimeLimitS = positiveSeconds(env, 'CRUX_HARD_TIME_LIMIT_S', 3600);
  if (softTimeLimitS >= hardTimeLimitS) {
    throw new SettingsError(
      `CRUX_SOFT_TIME_LIMIT_S (${softTimeLimitS}) must be below CRUX_HARD_TIME_LIMIT_S (${hardTimeLimitS}): the soft limit lets a job finish with its best answer before the hard limit kills it`,
    );
  }
  return { softTimeLimitS, hardTimeLimitS };
}

/** Node refuses a headers timeout above the request timeout: the request one would always fire first. */
function httpTimeouts(env: Env): Pick<Settings, 'httpHeadersTimeoutMs' | 'httpRequestTimeoutMs' | 'httpKeepAliveTimeoutMs'> {
  const httpHeadersTimeoutMs = int(env, 'CRUX_HTTP_HEADERS_TIMEOUT_MS', 10_000, 100);
  const httpRequestTimeoutMs = int(env, 'CRUX_HTTP_REQUEST_TIMEOUT_MS', 30_000, 100);
  if (httpHeadersTimeoutMs > httpRequestTimeoutMs) {
    throw new SettingsError(
      `CRUX_HTTP_HEADERS_TIMEOUT_MS (${httpHeadersTimeoutMs}) must not be above CRUX_HTTP_REQUEST_TIMEOUT_MS (${httpRequestTimeoutMs}): the headers are part of the request`,
    );
  }
  return { httpHeadersTimeoutMs, httpRequestTimeoutMs, httpKeepAliveTimeoutMs: int(env, 'CRUX_HTTP_KEEP_ALIVE_TIMEOUT_MS', 5000, 100) };
}

/** Parses `name:role:secret,name:role:secret`. */
export function parseApiKeys(raw: string | undefined): ApiKey[] {
  if (!raw?.trim()) return [];
  return raw.split(',').map((entry, index) => {
    const parts = entry.trim().split(':');
    if (parts.length < 3) {
      throw new SettingsError(`CRUX_API_KEYS entry ${index + 1} must be name:role:secret`);
    }
    const [name, role] = parts;
    const secret = parts.slice(2).join(':');
    if (!name || !secret) throw new SettingsError(`CRUX_API_KEYS entry ${index + 1} has an empty name or secret`);
    if (!(ROLES as readonly string[]).includes(role)) {
      throw new SettingsError(`CRUX_API_KEYS entry '${name}' has role '${role}'; roles are ${ROLES.join(', ')}`);
    }
    return { name, role: role as Role, secret };
  });
}

export function loadSettings(env: Env = process.env): Settings {
  const provider = text(env, 'CRUX_PROVIDER', 'simulated');
  if (!(PROVIDERS as readonly string[]).includes(provider)) {
    throw new SettingsError(`CRUX_PROVIDER must be one of ${PROVIDERS.join(', ')}, got '${provider}'`);
  }
  return {
    natsUrl: text(env, 'NATS_URL', 'nats://127.0.0.1:4222'),
    redisUrl: text(env, 'REDIS_URL', 'redis://127.0.0.1:6379'),
    httpPort: int(env, 'CRUX_HTTP_PORT', 8000, 0, 65535),
    httpHost: text(env, 'CRUX_HTTP_HOST', '0.0.0.0'),
    apiKeys: parseApiKeys(env.CRUX_API_KEYS),
    production: env.NODE_ENV === 'production',
    provider: provider as ProviderName,
    simulatedLatencyMs: int(env, 'CRUX_SIMULATED_LATENCY_MS', 200, 0),
    openaiBaseUrl: optional(env, 'OPENAI_BASE_URL'),
    openaiApiKey: optional(env, 'OPENAI_API_KEY'),
    model: optional(env, 'CRUX_MODEL'),
    openaiConnectTimeoutMs: int(env, 'CRUX_OPENAI_CONNECT_TIMEOUT_MS', 10_000, 1),
    openaiReadTimeoutMs: int(env, 'CRUX_OPENAI_READ_TIMEOUT_MS', 120_000, 1),
    openaiMaxRetries: int(env, 'CRUX_OPENAI_MAX_RETRIES', 4, 0, 20),
    openaiRetryBaseMs: int(env, 'CRUX_OPENAI_RETRY_BASE_MS', 500, 0),
    openaiRetryMaxMs: int(env, 'CRUX_OPENAI_RETRY_MAX_MS', 30_000, 0),
    workerConcurrency: int(env, 'CRUX_WORKER_CONCURRENCY', 4, 1, 256),
    workerId: text(env, 'CRUX_WORKER_ID', `${hostname()}-${process.pid}`),
    revokeGraceMs: int(env, 'CRUX_REVOKE_GRACE_MS', 2000, 0),
    ttlActiveS: int(env, 'CRUX_TTL_ACTIVE_S', 86_400, 1),
    ttlCompletedS: int(env, 'CRUX_TTL_COMPLETED_S', 604_800, 1),
    ttlFailedS: int(env, 'CRUX_TTL_FAILED_S', 86_400, 1),
    ttlCancelledS: int(env, 'CRUX_TTL_CANCELLED_S', 86_400, 1),
    archiveRetentionS: int(env, 'CRUX_ARCHIVE_RETENTION_S', 2_592_000, 60),
    streamReplicas: int(env, 'CRUX_STREAM_REPLICAS', 1, 1, 5),
    maxAttempts: int(env, 'CRUX_MAX_ATTEMPTS', 3, 1, 100),
    ackWaitMs: int(env, 'CRUX_ACK_WAIT_MS', 30_000, 1000),
    syncTimeoutMs: int(env, 'CRUX_SYNC_TIMEOUT_MS', 600_000, 100),
    requestTimeoutMs: int(env, 'CRUX_REQUEST_TIMEOUT_MS', 5000, 100),
    maxBodyBytes: int(env, 'CRUX_MAX_BODY_BYTES', 262_144, 1024),
    purgePlanTtlS: int(env, 'CRUX_PURGE_PLAN_TTL_S', 600, 1),
    purgeBatchSize: int(env, 'CRUX_PURGE_BATCH_SIZE', 500, 1, 10_000),
    expiryGraceS: int(env, 'CRUX_EXPIRY_GRACE_S', 60, 1),
    expirySweepMs: int(env, 'CRUX_EXPIRY_SWEEP_MS', 250, 10),
    revokeConfirmMs: int(env, 'CRUX_REVOKE_CONFIRM_MS', 5000, 100),
    apiKeysFile: optional(env, 'CRUX_API_KEYS_FILE'),
    rateLimitPerS: int(env, 'CRUX_RATE_LIMIT_PER_S', 50, 1),
    rateLimitBurst: int(env, 'CRUX_RATE_LIMIT_BURST', 100, 1),
    sseMaxStreamsPerKey: int(env, 'CRUX_SSE_MAX_STREAMS_PER_KEY', 20, 1),
    sseMaxStreams: int(env, 'CRUX_SSE_MAX_STREAMS', 1000, 1),
    ...httpTimeouts(env),
    ...timeLimits(env),
    // Production wants lines a log system can filter; a person running npm start wants to read them.
    logFormat: oneOf(env, 'CRUX_LOG_FORMAT', LOG_FORMATS, env.NODE_ENV === 'production' ? 'json' : 'text'),
    logLevel: oneOf(env, 'CRUX_LOG_LEVEL', LOG_LEVELS, 'log'),
    healthPort: optional(env, 'CRUX_HEALTH_PORT') === null ? null : int(env, 'CRUX_HEALTH_PORT', 0, 0, 65535),
  };
}
