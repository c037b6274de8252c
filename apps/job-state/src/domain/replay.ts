import type { JobDeleted, JobEvent, JobView } from '@crux/contracts';
import { assertNever } from './assert-never.js';
import { fromJobHash, jobContentHash, snapshotOf } from './job-hash.js';
import { planUpdate, type PlannedUpdate } from './plan-update.js';
import type { TtlSettings } from './ttl-policy.js';

/**
 * What Redis holds for one job, as far as its content goes: the hash (null when there is no
 * key) and the tombstone left by its last deletion. TTLs and indexes are not modelled.
 */
export interface ReplayState {
  hash: Record<string, string> | null;
  /** Sequence of the deletion that left no key; null while the job lives or was never deleted. */
  tombstone: number | null;
}

export const NO_JOB: ReplayState = { hash: null, tombstone: null };

/**
 * The state after `plan`, by the same rules the Lua scripts follow (apply-events, delete-jobs,
 * restore-job, set-hold): the evolve function of the projection. Used to rebuild a job's
 * snapshot from its events once Redis can no longer be read (expired, deleted outside Crux).
 */
export function evolve(state: ReplayState, plan: PlannedUpdate): ReplayState {
  const { hash } = state;
  const version = Number(hash?.version ?? 0) || 0;
  if (hash && version >= plan.seq) return state;
  switch (plan.kind) {
    case 'apply': {
      if (!hash && state.tombstone !== null) return state;
      const current = hash?.status ?? null;
      if (!(plan.allowedFrom as readonly (string | null)[]).includes(current)) return state;
      const next: Record<string, string> = { ...(hash ?? {}) };
      for (const [field, value] of Object.entries(plan.set)) if (value !== undefined) next[field] = value;
      for (const [field, value] of Object.entries(plan.setIfEmpty)) if (value !== undefined && !next[field]) next[field] = value;
      if (plan.status !== null) next.status = plan.status;
      next.version = String(plan.seq);
      return { hash: next, tombstone: state.tombstone };
    }
    case 'delete':
      // Refused as delete-jobs.lua refuses it: a held job (unless reported gone), or a purge of a job deleted first.
      if (hash && hash.held === '1' && plan.needs !== '') return state;
      if (!hash && state.tombstone !== null && (state.tombstone >= plan.seq || plan.needs === 'live')) return state;
      return { hash: null, tombstone: plan.seq };
    case 'restore':
      if (hash) return state;
      if (state.tombstone !== null && state.tombstone > plan.seq) return state;
      return { hash: { ...plan.fields, version: String(plan.seq) }, tombstone: null };
    case 'hold':
      // A second hold (or a release of a job not held) is refused, as set-hold-2.lua does.
      if (!hash || (hash.held === '1') === plan.held) return state;
      return { hash: { ...hash, held: plan.held ? '1' : '', version: String(plan.seq) }, tombstone: state.tombstone };
    case 'skip':
      return state;
    default:
      return assertNever(plan, 'planned update');
  }
}

export interface StoredEvent {
  seq: number;
  event: JobEvent;
}

export interface ReplayResult {
  /** The job as its last live state was; null when the history never had it live. */
  snapshot: JobView | null;
  /** The history ends with the job deleted: its deletion is already recorded. */
  deleted: boolean;
  lastDeletion: { seq: number; event: JobDeleted } | null;
}

/** Replays one job's history (in stream order) and says what the job last looked like. */
export function replayHistory(history: readonly StoredEvent[], settings: TtlSettings): ReplayResult {
  let state = NO_JOB;
  let lastLive: Record<string, string> | null = null;
  let lastDeletion: ReplayResult['lastDeletion'] = null;
  for (const { seq, event } of history) {
    state = evolve(state, planUpdate(event, seq, settings));
    if (state.hash) lastLive = state.hash;
    if (event.type === 'deleted' && state.hash === null && state.tombstone === seq) lastDeletion = { seq, event };
  }
  const live = state.hash ?? lastLive;
  const view = live ? fromJobHash(live) : null;
  return { snapshot: view ? snapshotOf(view) : null, deleted: state.hash === null && state.tombstone !== null, lastDeletion };
}

export type RebuiltJob = { ok: true; snapshot: JobView; contentHash: string } | { ok: false; why: string };

/**
 * The job as it was just before the deletion at `deletion.seq`, rebuilt from its history by
 * the projection's own rules: what a restore brings back when the deletion archived the job
 * by reference. It must be the very version the deletion removed (`version`), and its
 * content must hash to what the deletion recorded; otherwise part of the history has left
 * JOBS (retention) and the job cannot be rebuilt exactly.
 */
export function rebuildBeforeDeletion(
  history: readonly StoredEvent[],
  deletion: { seq: number; version: number; contentHash: string },
  settings: TtlSettings,
): RebuiltJob {
  let state = NO_JOB;
  for (const { seq, event } of history) {
    if (seq >= deletion.seq) break;
    state = evolve(state, planUpdate(event, seq, settings));
  }
  const view = state.hash ? fromJobHash(state.hash) : null;
  if (!state.hash || !view) return { ok: false, why: 'its history in JOBS no longer reaches its creation' };
  if (view.version !== deletion.version) {
    return { ok: false, why: `its history in JOBS rebuilds version ${view.version}, not the deleted version ${deletion.version}` };
  }
  const hash = jobContentHash(state.hash);
  if (hash !== deletion.contentHash)
    return { ok: false, why: 'the job rebuilt from JOBS does not match the content hash its deletion recorded' };
  return { ok: true, snapshot: snapshotOf(view), contentHash: hash };
}
