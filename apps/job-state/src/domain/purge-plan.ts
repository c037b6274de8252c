import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  apiError,
  contentHash,
  isJobStatus,
  JOB_STATUSES,
  PurgePlanStatus,
  type Actor,
  type ApiError,
  type JobStatus,
  type PurgeFilter,
  type PurgeProgress,
} from '@crux/contracts';
import { checkActor, checkReason, isSubjectToken } from './command-validation.js';
import { badRequest, type Checked } from './state-request-validation.js';

/** The most ids one plan may name explicitly (a request is one NATS message). */
export const PURGE_JOB_IDS_MAX = 100_000;
export const PURGE_SAMPLE_SIZE = 20;

/** A purge plan request, checked: at least one filter, all of them applied together. */
export interface PurgeQuery {
  actor: Actor;
  jobIds: string[] | null;
  statuses: JobStatus[] | null;
  olderThanS: number | null;
  erase: boolean;
  reason: string | null;
}

export function checkPurgePlanRequest(request: unknown): Checked<PurgeQuery> {
  const r = (request ?? {}) as Record<string, unknown>;
  const actor = checkActor(r.actor);
  if (!actor.ok) return actor;
  let jobIds: string[] | null = null;
  if (r.job_ids !== undefined && r.job_ids !== null) {
    if (!Array.isArray(r.job_ids) || r.job_ids.length === 0 || r.job_ids.length > PURGE_JOB_IDS_MAX) {
      return badRequest(`job_ids must be a list of 1 to ${PURGE_JOB_IDS_MAX} job ids`);
    }
    if (!r.job_ids.every((id) => typeof id === 'string' && isSubjectToken(id))) return badRequest('job_ids must hold job ids');
    jobIds = [...new Set(r.job_ids as string[])];
  }
  let statuses: JobStatus[] | null = null;
  if (r.status !== undefined && r.status !== null) {
    if (!Array.isArray(r.status) || r.status.length === 0 || !r.status.every(isJobStatus)) {
      return badRequest(`status must be a non-empty list of ${JOB_STATUSES.join(', ')}`);
    }
    statuses = [...new Set(r.status as JobStatus[])];
  }
  let olderThanS: number | null = null;
  if (r.older_than_s !== undefined && r.older_than_s !== null) {
    if (!Number.isInteger(r.older_than_s) || (r.older_than_s as number) < 0)
      return badRequest('older_than_s must be a whole number of seconds, 0 or more');
    olderThanS = r.older_than_s as number;
  }
  if (jobIds === null && statuses === null && olderThanS === null) {
    return badRequest('a purge needs at least one filter: job_ids, status or older_than_s');
  }
  if (r.erase !== undefined && r.erase !== null && typeof r.erase !== 'boolean') return badRequest('erase must be true or false');
  const reason = checkReason(r.reason);
  if (!reason.ok) return reason;
  return { ok: true, value: { actor: actor.value, jobIds, statuses, olderThanS, erase: r.erase === true, reason: reason.value } };
}

export function purgeFilterOf(query: PurgeQuery): PurgeFilter {
  const filter: PurgeFilter = {};
  if (query.jobIds) filter.job_ids = query.jobIds;
  if (query.statuses) filter.status = query.statuses;
  if (query.olderThanS !== null) filter.older_than_s = query.olderThanS;
  return filter;
}

/** Jobs created before this instant (ms) are old enough; null when age is not a filter. */
export function createdBeforeMs(query: Pick<PurgeQuery, 'olderThanS'>, nowMs: number): number | null {
  return query.olderThanS === null ? null : nowMs - query.olderThanS * 1000;
}

/** A job a plan might include, as Redis shows it while planning; status null when the key is gone. */
export interface PurgeCandidate {
  id: string;
  status: JobStatus | null;
  held: boolean;
  createdMs: number;
}

/**
 * The exact ids a plan freezes: live jobs that match every filter given, never a held one,
 * oldest first (ties by id) so progress walks through time.
 */
export function selectForPurge(candidates: readonly PurgeCandidate[], query: PurgeQuery, nowMs: number): string[] {
  const before = createdBeforeMs(query, nowMs);
  const wantedIds = query.jobIds ? new Set(query.jobIds) : null;
  const seen = new Set<string>();
  const chosen: PurgeCandidate[] = [];
  for (const c of candidates) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    if (c.status === null || c.held) continue;
    if (wantedIds && !wantedIds.has(c.id)) continue;
    if (query.statuses && !query.statuses.includes(c.status)) continue;
    if (before !== null && !(c.createdMs < before)) continue;
    chosen.push(c);
  }
  chosen.sort((a, b) => a.createdMs - b.createdMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return chosen.map((c) => c.id);
}

/** sha256 of the sorted id list: names exactly which list a plan froze. */
export function idsHash(ids: readonly string[]): string {
  return contentHash([...ids].sort());
}

/** A confirm token: shown once, stored only as its sha256. */
export function newConfirmToken(): string {
  return randomBytes(24).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time: how much of a guess matched never shows in how long the answer takes. */
export function tokenMatches(token: string, storedHash: string): boolean {
  const given = Buffer.from(hashToken(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === given.length && timingSafeEqual(given, stored);
}

/** A plan as job-state keeps it (RedisKeys.purgePlan); counters move as the purge runs. */
export interface StoredPlan {
  planId: string;
  /** planned → running → completed; an unconfirmed plan past expiresMs reads as expired. */
  status: Exclude<PurgePlanStatus, 'expired'>;
  count: number;
  erase: boolean;
  expiresMs: number;
  tokenHash: string;
  createdBy: Actor;
  createdAt: string;
  confirmedBy: Actor | null;
  idsHash: string;
  filter: PurgeFilter;
  reason: string | null;
  sample: string[];
  deleted: number;
  skipped: number;
  failed: number;
  /** How many of the frozen ids have been dealt with: where a resumed purge goes on. */
  cursor: number;
}

export function toPlanHash(plan: StoredPlan): Record<string, string> {
  return {
    plan_id: plan.planId,
    status: plan.status,
    count: String(plan.count),
    erase: plan.erase ? '1' : '0',
    expires_ms: String(plan.expiresMs),
    token_hash: plan.tokenHash,
    created_by: JSON.stringify(plan.createdBy),
    created_at: plan.createdAt,
    confirmed_by: plan.confirmedBy ? JSON.stringify(plan.confirmedBy) : '',
    ids_hash: plan.idsHash,
    filter: JSON.stringify(plan.filter),
    reason: plan.reason ?? '',
    sample: JSON.stringify(plan.sample),
    deleted: String(plan.deleted),
    skipped: String(plan.skipped),
    failed: String(plan.failed),
    cursor: String(plan.cursor),
  };
}

const STORED_STATUSES: readonly string[] = [PurgePlanStatus.Planned, PurgePlanStatus.Running, PurgePlanStatus.Completed];

function json<T>(text: string | undefined, fallback: T): T {
  try {
    return text ? (JSON.parse(text) as T) : fallback;
  } catch {
    return fallback;
  }
}

/** Null for a missing (or unreadable) plan. */
export function fromPlanHash(hash: Record<string, string>): StoredPlan | null {
  if (!hash.plan_id || !STORED_STATUSES.includes(hash.status)) return null;
  const int = (field: string) => Number(hash[field] ?? 0) || 0;
  return {
    planId: hash.plan_id,
    status: hash.status as StoredPlan['status'],
    count: int('count'),
    erase: hash.erase === '1',
    expiresMs: int('expires_ms'),
    tokenHash: hash.token_hash ?? '',
    createdBy: json<Actor>(hash.created_by, { kind: 'user', id: '?' }),
    createdAt: hash.created_at ?? '',
    confirmedBy: json<Actor | null>(hash.confirmed_by, null),
    idsHash: hash.ids_hash ?? '',
    filter: json<PurgeFilter>(hash.filter, {}),
    reason: hash.reason ? hash.reason : null,
    sample: json<string[]>(hash.sample, []),
    deleted: int('deleted'),
    skipped: int('skipped'),
    failed: int('failed'),
    cursor: int('cursor'),
  };
}

export function purgeProgress(plan: StoredPlan, nowMs: number): PurgeProgress {
  const expired = plan.status === PurgePlanStatus.Planned && plan.expiresMs <= nowMs;
  return {
    plan_id: plan.planId,
    count: plan.count,
    sample: plan.sample,
    erase: plan.erase,
    expires_at: new Date(plan.expiresMs).toISOString(),
    status: expired ? PurgePlanStatus.Expired : plan.status,
    deleted: plan.deleted,
    skipped: plan.skipped,
    failed: plan.failed,
    created_by: plan.createdBy.id,
    confirmed_by: plan.confirmedBy?.id ?? null,
  };
}

export interface ConfirmQuery {
  actor: Actor;
  planId: string;
  token: string;
}

export function checkConfirmRequest(request: unknown): Checked<ConfirmQuery> {
  const r = (request ?? {}) as Record<string, unknown>;
  const actor = checkActor(r.actor);
  if (!actor.ok) return actor;
  if (typeof r.plan_id !== 'string' || r.plan_id === '') return badRequest('plan_id must be a non-empty string');
  if (typeof r.confirm_token !== 'string' || r.confirm_token === '') return badRequest('confirm_token must be a non-empty string');
  return { ok: true, value: { actor: actor.value, planId: r.plan_id, token: r.confirm_token } };
}

export function checkPlanIdRequest(request: unknown): Checked<string> {
  const r = (request ?? {}) as Record<string, unknown>;
  if (typeof r.plan_id !== 'string' || r.plan_id === '') return badRequest('plan_id must be a non-empty string');
  return { ok: true, value: r.plan_id };
}

/**
 * Whether a confirm may run, checked in this order: unknown plan 404; wrong token 403 (so a
 * guess learns nothing about the plan's state); already confirmed 409; expired 410.
 */
export function confirmRefusal(plan: StoredPlan | null, planId: string, token: string, nowMs: number): ApiError | null {
  if (!plan) return apiError(404, 'Not Found', `purge plan ${planId} not found`);
  if (!tokenMatches(token, plan.tokenHash)) return apiError(403, 'Forbidden', 'confirm token does not match this plan');
  if (plan.status !== PurgePlanStatus.Planned) return apiError(409, 'Conflict', `purge plan ${planId} was already confirmed`);
  if (plan.expiresMs <= nowMs) {
    return apiError(410, 'Gone', `purge plan ${planId} expired at ${new Date(plan.expiresMs).toISOString()}; plan again`);
  }
  return null;
}
