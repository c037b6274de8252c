import { JOB_STATUSES, RedisKeys } from '@crux/contracts';
import type { EventFields, PlannedUpdate } from '../domain/index.js';

const pairs = (fields: EventFields): string[] =>
  Object.entries(fields).flatMap(([field, value]) => (value === undefined ? [] : [field, value]));

/** KEYS then ARGV of apply-event-9.lua for one planned update (the script's header explains each). */
export function applyEventArgs(plan: PlannedUpdate): string[] {
  const jobKey = RedisKeys.job(plan.jobId);
  const keys = [
    jobKey,
    RedisKeys.byCreated,
    plan.owner !== null ? RedisKeys.byOwner(plan.owner) : jobKey,
    RedisKeys.expiry,
    ...JOB_STATUSES.map((status) => RedisKeys.byStatus(status)),
  ];
  const set = pairs(plan.set);
  return [
    ...keys,
    String(plan.seq),
    plan.jobId,
    JSON.stringify(JOB_STATUSES),
    JSON.stringify(plan.allowedFrom),
    plan.status ?? '',
    plan.ttlS === null ? '' : String(plan.ttlS),
    plan.createdMs === null ? '' : String(plan.createdMs),
    String(set.length / 2),
    ...set,
    ...pairs(plan.setIfEmpty),
  ];
}

/** KEYS then ARGV of remove-index-entries-8.lua. */
export function removeIndexEntriesArgs(jobId: string, listedIndex: string): string[] {
  return [
    RedisKeys.job(jobId),
    listedIndex,
    RedisKeys.byCreated,
    ...JOB_STATUSES.map((status) => RedisKeys.byStatus(status)),
    jobId,
  ];
}
