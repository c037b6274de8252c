import { describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { JOB_STATUSES, RedisKeys } from '@crux/contracts';
import { planUpdate } from '../domain/index.js';
import { LUA_DIR } from '../lua-dir.js';
import { jobEvents } from '../../test/support/job-events.js';
import { applyEventArgs, removeIndexEntriesArgs } from './apply-event-args.js';

const settings = { ttlActiveS: 100, ttlCompletedS: 700, ttlFailedS: 300, ttlCancelledS: 200 };
const keyCount = (command: string) => Number(readdirSync(LUA_DIR).find((f) => f.startsWith(`${command}-`))?.match(/-(\d+)\.lua$/)?.[1]);

describe('apply-event script arguments', () => {
  const events = jobEvents('job-1', 'alice');

  it('passes as many keys as the script file declares, the owner index only when creating', () => {
    const created = applyEventArgs(planUpdate(events.created(), 5, settings));
    const started = applyEventArgs(planUpdate(events.started(), 6, settings));
    const n = keyCount('apply-event');
    expect(n).toBe(4 + JOB_STATUSES.length);
    expect(created.slice(0, n)).toEqual([
      RedisKeys.job('job-1'),
      RedisKeys.byCreated,
      RedisKeys.byOwner('alice'),
      RedisKeys.expiry,
      ...JOB_STATUSES.map((s) => RedisKeys.byStatus(s)),
    ]);
    expect(started[2]).toBe(RedisKeys.job('job-1'));
  });

  it('lays out ARGV as the script header says', () => {
    const plan = planUpdate(events.started(), 6, settings);
    const argv = applyEventArgs(plan).slice(keyCount('apply-event'));
    expect(argv).toEqual([
      '6',
      'job-1',
      JSON.stringify(JOB_STATUSES),
      JSON.stringify(['pending', 'running']),
      'running',
      '100',
      '',
      '0',
      'started_at',
      plan.setIfEmpty.started_at,
    ]);
  });

  it('passes an empty status and TTL for events that only move the version', () => {
    const argv = applyEventArgs(planUpdate(events.revoked(), 9, settings)).slice(keyCount('apply-event'));
    expect(argv.slice(3, 8)).toEqual([JSON.stringify(JOB_STATUSES), '', '', '', '0']);
  });

  it('names every index a stale job may sit in when cleaning up', () => {
    const args = removeIndexEntriesArgs('job-1', RedisKeys.byOwner('bob'));
    expect(args).toHaveLength(keyCount('remove-index-entries') + 1);
    expect(args.slice(0, 3)).toEqual([RedisKeys.job('job-1'), RedisKeys.byOwner('bob'), RedisKeys.byCreated]);
    expect(args.at(-1)).toBe('job-1');
  });
});
