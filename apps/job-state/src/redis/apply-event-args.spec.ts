import { describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { JOB_STATUSES, RedisKeys } from '@crux/contracts';
import { fromJobHash, planUpdate, snapshotOf } from '../domain/index.js';
import { LUA_DIR } from '../lua-dir.js';
import { jobEvents, purgePlannedEvent } from '../../test/support/job-events.js';
import { groupScriptCalls, OWNER_INDEX_PREFIX, scriptCall, type ScriptCall } from './apply-event-args.js';

const settings = { ttlActiveS: 100, ttlCompletedS: 700, ttlFailedS: 300, ttlCancelledS: 200 };
const scriptSettings = { expiryGraceS: 60, revokeConfirmMs: 5000, archiveRetentionS: 3600 };
const scriptFile = (command: string) =>
  readdirSync(LUA_DIR).find((f) => f.replace(/(-\d+)?\.lua$/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) === command);
/** The key count a script's file name declares; for a variable one, the count the call passes first. */
const keyCount = (command: string, c?: ScriptCall) => {
  const declared = scriptFile(command)?.match(/-(\d+)\.lua$/)?.[1];
  return declared === undefined ? 1 + Number(c?.args[0]) : Number(declared);
};
const statusKeys = JOB_STATUSES.map((s) => RedisKeys.byStatus(s));

function call(event: Parameters<typeof planUpdate>[0], seq: number): ScriptCall {
  const c = scriptCall(planUpdate(event, seq, settings), scriptSettings);
  if (!c) throw new Error('no script call');
  return c;
}

describe('apply script arguments', () => {
  const events = jobEvents('job-1', 'alice');
  const snapshot = snapshotOf(
    fromJobHash({
      job_id: 'job-1',
      status: 'completed',
      created_at: '2030-01-02T03:04:05.678Z',
      mode: 'basic',
      owner: 'alice',
      request: '{}',
      version: '12',
    })!,
  );

  it('passes as many keys as each script file declares', () => {
    const calls = [
      call(events.created(), 5),
      call(events.deleted(snapshot), 6),
      call(events.restored(snapshot), 7),
      call(events.held(), 8),
    ];
    for (const c of calls) {
      expect(scriptFile(c.command)).toBeDefined();
      const argv = c.args.slice(keyCount(c.command, c));
      // ARGV[1] is the sequence; apply-events has two fixed arguments before the events', delete-jobs three.
      const fixed = { applyEvents: 2, deleteJobs: 3 }[c.command as string] ?? 0;
      expect(argv[fixed]).toMatch(/^\d+$/);
    }
  });

  it('lays out apply-events as its header says, the owner index only when creating', () => {
    const created = call(events.created(), 5);
    expect(created.command).toBe('applyEvents');
    expect(scriptFile('applyEvents')).toBe('apply-events.lua');
    const n = Number(created.args[0]);
    expect(created.args.slice(1, 1 + n)).toEqual([
      RedisKeys.byCreated,
      RedisKeys.expiry,
      RedisKeys.revokePending,
      ...statusKeys,
      RedisKeys.job('job-1'),
      RedisKeys.tombstone('job-1'),
      RedisKeys.byOwner('alice'),
    ]);
    const createdPlan = planUpdate(events.created(), 5, settings);
    if (createdPlan.kind !== 'apply') throw new Error('not an apply plan');
    const argv = created.args.slice(1 + n);
    expect(argv.slice(0, 11)).toEqual([
      JSON.stringify(JOB_STATUSES),
      '60',
      '5',
      'job-1',
      ',,',
      'pending',
      '100',
      String(createdPlan.createdMs),
      '',
      '',
      String(Object.keys(createdPlan.set).length),
    ]);
    // Every field of the created job, then none to set only where empty.
    expect(argv.slice(11, -1)).toEqual(Object.entries(createdPlan.set).flat());
    expect(argv.at(-1)).toBe('0');

    const started = call(events.started(), 6);
    const m = Number(started.args[0]);
    expect(started.args.slice(m - 2, 1 + m)).toEqual([RedisKeys.job('job-1'), RedisKeys.tombstone('job-1'), RedisKeys.job('job-1')]);
    const plan = planUpdate(events.started(), 6, settings);
    expect(started.args.slice(1 + m)).toEqual([
      JSON.stringify(JOB_STATUSES),
      '60',
      '6',
      'job-1',
      ',pending,running,',
      'running',
      '100',
      '',
      '',
      '',
      '0',
      '1',
      'started_at',
      plan.kind === 'apply' ? plan.setIfEmpty.started_at : 'not an apply plan',
    ]);
  });

  it('asks a cancel to start the revoke wait and a revoke to end it', () => {
    const record = (event: Parameters<typeof planUpdate>[0]) => {
      const c = call(event, 9);
      return c.args.slice(1 + Number(c.args[0]) + 2);
    };
    expect(record(events.cancel()).slice(6, 8)).toEqual(['5000', '']);
    expect(record(events.revoked())).toEqual(['9', 'job-1', `,${JOB_STATUSES.join(',')},`, '', '', '', '', '1', '0', '0']);
  });

  it('puts a run of lifecycle events of several jobs in one call, each with its own record', () => {
    const other = jobEvents('job-2', 'bob');
    const plans = [
      planUpdate(events.created(), 1, settings),
      planUpdate(other.created(), 2, settings),
      planUpdate(events.started(), 3, settings),
      planUpdate(other.completed(), 4, settings),
    ];
    const groups = groupScriptCalls(plans, scriptSettings);
    expect(groups.map((g) => [g.call.command, g.plans])).toEqual([['applyEvents', [0, 1, 2, 3]]]);
    const { args } = groups[0].call;
    const n = Number(args[0]);
    expect(n).toBe(3 + JOB_STATUSES.length + 3 * plans.length);
    expect(args.slice(1 + 3 + JOB_STATUSES.length, 1 + n)).toEqual([
      RedisKeys.job('job-1'),
      RedisKeys.tombstone('job-1'),
      RedisKeys.byOwner('alice'),
      RedisKeys.job('job-2'),
      RedisKeys.tombstone('job-2'),
      RedisKeys.byOwner('bob'),
      RedisKeys.job('job-1'),
      RedisKeys.tombstone('job-1'),
      RedisKeys.job('job-1'),
      RedisKeys.job('job-2'),
      RedisKeys.tombstone('job-2'),
      RedisKeys.job('job-2'),
    ]);
    // Walking the records as the script does finds each event's sequence and job in order.
    const argv = args.slice(1 + n);
    const found: string[] = [];
    for (let a = 2; a < argv.length;) {
      found.push(`${argv[a]}:${argv[a + 1]}`);
      const keepAt = a + 9 + 2 * Number(argv[a + 8]);
      a = keepAt + 1 + 2 * Number(argv[keepAt]);
    }
    expect(found).toEqual(['1:job-1', '2:job-2', '3:job-1', '4:job-2']);
  });

  it('deletes with every index, the owner prefix and the tombstone retention', () => {
    const deleted = call(events.deleted(snapshot), 20);
    expect(deleted.command).toBe('deleteJobs');
    expect(scriptFile('deleteJobs')).toBe('delete-jobs.lua');
    const n = Number(deleted.args[0]);
    expect(deleted.args.slice(1, 1 + n)).toEqual([
      RedisKeys.byCreated,
      RedisKeys.expiry,
      RedisKeys.revokePending,
      ...statusKeys,
      RedisKeys.job('job-1'),
      RedisKeys.tombstone('job-1'),
    ]);
    expect(deleted.args.slice(1 + n)).toEqual([JSON.stringify(JOB_STATUSES), OWNER_INDEX_PREFIX, '3600', '20', 'job-1', 'alice', 'live']);
    expect(OWNER_INDEX_PREFIX + 'alice').toBe(RedisKeys.byOwner('alice'));
    expect(call(events.deleted(null, 'erase'), 21).args.slice(-2)).toEqual(['', 'live']);
  });

  it('puts a run of consecutive deletions in one call, keeping the order of everything else', () => {
    const other = jobEvents('job-2', 'bob');
    const plans = [
      planUpdate(events.deleted(snapshot), 1, settings),
      planUpdate(other.deleted(null, 'erase'), 2, settings),
      planUpdate(other.started(), 3, settings),
      planUpdate(purgePlannedEvent('p'), 4, settings),
      planUpdate(events.deleted(snapshot), 5, settings),
    ];
    const groups = groupScriptCalls(plans, scriptSettings);
    expect(groups.map((g) => [g.call.command, g.plans])).toEqual([
      ['deleteJobs', [0, 1]],
      ['applyEvents', [2]],
      ['deleteJobs', [4]],
    ]);
    const first = groups[0].call.args;
    expect(first[0]).toBe(String(8 + 4));
    expect(first.slice(-8)).toEqual(['1', 'job-1', 'alice', 'live', '2', 'job-2', '', 'live']);
  });

  it('splits a run of more than 500 lifecycle events into calls of 500', () => {
    const plans = Array.from({ length: 501 }, (_, i) => planUpdate(jobEvents(`job-${i}`).created(), i + 1, settings));
    expect(groupScriptCalls(plans, scriptSettings).map((g) => [g.call.command, g.plans.length])).toEqual([
      ['applyEvents', 500],
      ['applyEvents', 1],
    ]);
  });

  it('restores into the owner and status indexes with the TTL of the status', () => {
    const restored = call(events.restored(snapshot), 30);
    expect(restored.command).toBe('restoreJob');
    const n = keyCount('restoreJob');
    expect(restored.args.slice(0, 5)).toEqual([
      RedisKeys.job('job-1'),
      RedisKeys.byCreated,
      RedisKeys.byOwner('alice'),
      RedisKeys.expiry,
      RedisKeys.tombstone('job-1'),
    ]);
    expect(restored.args.slice(n, n + 8)).toEqual([
      '30',
      'job-1',
      JSON.stringify(JOB_STATUSES),
      'completed',
      '700',
      '60',
      String(Date.parse(snapshot.created_at)),
      '',
    ]);
    const fields = restored.args.slice(n + 8);
    expect(fields).not.toContain('version');
    expect(fields[fields.indexOf('owner') + 1]).toBe('alice');
  });

  it('holds and releases with the TTL table', () => {
    const held = call(events.held(), 40);
    expect(held).toEqual({
      command: 'setHold',
      args: [
        RedisKeys.job('job-1'),
        RedisKeys.expiry,
        '40',
        'job-1',
        '1',
        JSON.stringify({ pending: 100, running: 100, completed: 700, failed: 300, cancelled: 200 }),
        '60',
      ],
    });
    expect(call(events.released(), 41).args[4]).toBe('0');
  });

  it('has nothing for Redis to do for a purge plan event', () => {
    expect(scriptCall(planUpdate(purgePlannedEvent('p'), 50, settings), scriptSettings)).toBeNull();
  });
});
