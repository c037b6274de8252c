import { createHash } from 'node:crypto';
import { isJobStatus, type DeletedJobFacts, type JobStatus, type JobView, type SolveMode, type SolveResult } from '@crux/contracts';

/** Every field of the `job:{id}` hash, in the order README lists them. */
export const JOB_HASH_FIELDS = [
  'job_id',
  'status',
  'created_at',
  'started_at',
  'completed_at',
  'progress',
  'current_phase',
  'result',
  'error',
  'partial_results',
  'request',
  'mode',
  'owner',
  'model_name',
  'continued_from',
  'version',
  'held',
] as const;
export type JobHashField = (typeof JOB_HASH_FIELDS)[number];

/** The hash as Redis stores it: strings only, '' for "no value"; `held` is '1' under legal hold. */
export type JobHash = Record<JobHashField, string>;

const orEmpty = (value: string | null): string => value ?? '';
const json = (value: unknown): string => (value === null || value === undefined ? '' : JSON.stringify(value));

export function toJobHash(view: JobView): JobHash {
  return {
    job_id: view.job_id,
    status: view.status,
    created_at: view.created_at,
    started_at: orEmpty(view.started_at),
    completed_at: orEmpty(view.completed_at),
    progress: String(view.progress),
    current_phase: orEmpty(view.current_phase),
    result: json(view.result),
    error: orEmpty(view.error),
    partial_results: json(view.partial_results),
    request: JSON.stringify(view.request ?? {}),
    mode: view.mode,
    owner: view.owner,
    model_name: orEmpty(view.model_name),
    continued_from: orEmpty(view.continued_from),
    version: String(view.version),
    held: view.held ? '1' : '',
  };
}

const orNull = (value: string | undefined): string | null => (value ? value : null);

/** A JSON field; '' or text that is not JSON reads as null rather than failing the whole view. */
function parseJson(value: string | undefined): unknown {
  if (!value) return null;
  try {
    return JSON.parse(value);
  } catch {
    return null;
  }
}

function finite(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(n) ? n : fallback;
}

/**
 * Reads a hash as HGETALL returns it. Null when there is no job: an empty hash (missing key)
 * or one without a valid status.
 */
export function fromJobHash(hash: Record<string, string>, ttlS?: number | null): JobView | null {
  const status = hash.status;
  if (!isJobStatus(status)) return null;
  const request = parseJson(hash.request);
  const view: JobView = {
    job_id: hash.job_id ?? '',
    status: status as JobStatus,
    created_at: hash.created_at ?? '',
    started_at: orNull(hash.started_at),
    completed_at: orNull(hash.completed_at),
    progress: finite(hash.progress, 0),
    current_phase: orNull(hash.current_phase),
    result: parseJson(hash.result) as SolveResult | null,
    error: orNull(hash.error),
    partial_results: parseJson(hash.partial_results),
    request: request !== null && typeof request === 'object' ? (request as Record<string, unknown>) : {},
    mode: hash.mode as SolveMode,
    owner: hash.owner ?? '',
    model_name: orNull(hash.model_name),
    continued_from: orNull(hash.continued_from),
    version: finite(hash.version, 0),
    held: hash.held === '1',
  };
  if (ttlS !== undefined) view.ttl_s = ttlS;
  return view;
}

/** Redis TTL replies: -1 no TTL, -2 no key. */
export function ttlFromRedis(ttl: number): number | null {
  return ttl >= 0 ? ttl : null;
}

/**
 * Seconds until job-state deletes the job: its deadline in the expiry index, which is the
 * real one (Redis's own TTL runs a grace period longer, as the backstop). Null when the job
 * has no deadline (held).
 */
export function ttlFromDeadline(deadlineMs: number | null, nowMs: number): number | null {
  if (deadlineMs === null || !Number.isFinite(deadlineMs)) return null;
  return Math.max(0, Math.ceil((deadlineMs - nowMs) / 1000));
}

/** The job as archived in a `deleted` event: everything but the moving TTL. */
export function snapshotOf(view: JobView): JobView {
  const { ttl_s: _ttl, ...snapshot } = view;
  return snapshot;
}

/** The fields that are the job itself: every field but the bookkeeping (version, hold). */
export const CONTENT_FIELDS = JOB_HASH_FIELDS.filter((f) => f !== 'version' && f !== 'held');

/**
 * The content hash a deletion names the job by: sha256 over its content fields exactly as
 * the hash stores them, each as `<UTF-8 byte length>:<bytes>`, in CONTENT_FIELDS order (a
 * missing field as empty). Nothing is parsed or re-serialised, and the bytes Redis returns
 * can be hashed as they come (contentHashOf), so the same job gives the same hash whether
 * read from Redis, rebuilt from its events or restored.
 */
export function jobContentHash(hash: Readonly<Partial<Record<string, string>>>): string {
  return contentHashOf(CONTENT_FIELDS.map((f) => hash[f]));
}

/** jobContentHash of the content fields' values, in CONTENT_FIELDS order, as strings or raw bytes. */
export function contentHashOf(values: readonly (string | Buffer | null | undefined)[]): string {
  const sha = createHash('sha256');
  for (const value of values) {
    const v = value ?? '';
    sha.update(`${typeof v === 'string' ? Buffer.byteLength(v) : v.length}:`);
    sha.update(v);
  }
  return sha.digest('hex');
}

const STATUS_AT = JOB_HASH_FIELDS.indexOf('status');

/** An HMGET reply for JOB_HASH_FIELDS as a hash ('' where a field is missing); null when there is no job. */
export function jobHashFromFields(values: readonly (string | null)[]): JobHash | null {
  if (!isJobStatus(values[STATUS_AT])) return null;
  const hash = {} as JobHash;
  JOB_HASH_FIELDS.forEach((field, i) => (hash[field] = values[i] ?? ''));
  return hash;
}

/** A job as a purge reads it: the facts and hold it needs, its content hash, and the rest left undecoded. */
export interface StoredJob {
  job: DeletedJobFacts;
  held: boolean;
  contentHash: string;
  /** The whole hash as strings, decoded on demand (a job that must travel as a snapshot). */
  decode(): JobHash;
}
