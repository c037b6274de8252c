import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { JOB_STATUSES, RedisKeys, type JobEvent } from '@crux/contracts';
import { startRedis, type TestServer } from '@crux/test-harness';
import { Redis } from 'ioredis';
import { evolve, NO_JOB, planUpdate, type PlannedUpdate, type ReplayState } from '../src/domain/index.js';
import { ApplyCode } from '../src/redis/apply-code.js';
import { defineScripts } from '../src/redis/commands.js';
import { JobWriter, ProjectorFencedError } from '../src/redis/job-writer.js';
import { jobEvents } from './support/job-events.js';

const ttls = { ttlActiveS: 100, ttlCompletedS: 700, ttlFailedS: 300, ttlCancelledS: 200 };
const scriptSettings = { expiryGraceS: 60, revokeConfirmMs: 5000, archiveRetentionS: 3600 };

/** apply-events.lua against a real Redis: many events of many jobs in one call, as the projector sends them. */
describe('applying a run of lifecycle events in one script call', () => {
  let server: TestServer;
  let redis: Redis;
  let writer: JobWriter;
  let seq = 0;

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
    defineScripts(redis);
    writer = new JobWriter(redis, scriptSettings);
  });

  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  const plan = (event: JobEvent): PlannedUpdate => planUpdate(event, ++seq, ttls);

  it('applies each event as the projection rules say, in order, with the outcome of each', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const ea = jobEvents(a, 'alice');
    const eb = jobEvents(b, 'bob');
    const created = plan(ea.created());
    const plans = [
      created,
      plan(eb.created()),
      plan(ea.started()),
      plan(eb.completed()), // rejected: bob's job never started
      { ...created }, // a redelivery: stale
      plan(ea.progress(0.5)),
      plan(ea.completed()),
      plan(jobEvents(randomUUID()).started()), // no such job
    ];
    const outcomes = await writer.applyBatch(plans);
    expect(outcomes.map((o) => (o.ok ? [o.code, o.previous] : o.error.message))).toEqual([
      [ApplyCode.Applied, null],
      [ApplyCode.Applied, null],
      [ApplyCode.Applied, 'pending'],
      [ApplyCode.Rejected, 'pending'],
      [ApplyCode.Stale, 'running'],
      [ApplyCode.Applied, 'running'],
      [ApplyCode.Applied, 'running'],
      [ApplyCode.NoJob, null],
    ]);

    // The hashes are what the projection's model (replay.ts) says, field for field.
    const model = new Map<string, ReplayState>();
    for (const p of plans) model.set(p.jobId, evolve(model.get(p.jobId) ?? NO_JOB, p));
    expect(await redis.hgetall(RedisKeys.job(a))).toEqual(model.get(a)?.hash);
    expect(await redis.hgetall(RedisKeys.job(b))).toEqual(model.get(b)?.hash);

    const createdMs = created.kind === 'apply' ? created.createdMs : null;
    expect(await redis.zscore(RedisKeys.byCreated, a)).toBe(String(createdMs));
    expect(await redis.zscore(RedisKeys.byOwner('alice'), a)).toBe(String(createdMs));
    expect(await redis.zscore(RedisKeys.byOwner('bob'), b)).not.toBeNull();
    // Each job in exactly the index of its status, scored by its creation.
    for (const status of JOB_STATUSES) {
      const members = await redis.zrange(RedisKeys.byStatus(status), '0', '-1');
      expect(members.includes(a)).toBe(status === 'completed');
      expect(members.includes(b)).toBe(status === 'pending');
    }
    expect(await redis.zscore(RedisKeys.byStatus('completed'), a)).toBe(String(createdMs));
    // Completed: its status's TTL, plus the grace in Redis's own.
    const ttl = await redis.ttl(RedisKeys.job(a));
    expect(ttl).toBeGreaterThan(700);
    expect(ttl).toBeLessThanOrEqual(760);
    expect(Number(await redis.zscore(RedisKeys.expiry, a))).toBeGreaterThan(Date.now() + 600_000);
  });

  it('fails only the event whose key holds something else; the events around it in the call go ahead', async () => {
    const [poisoned, before, after] = [randomUUID(), randomUUID(), randomUUID()];
    await redis.set(RedisKeys.job(poisoned), 'not a hash');
    const outcomes = await writer.applyBatch([
      plan(jobEvents(before).created()),
      plan(jobEvents(poisoned).created()),
      plan(jobEvents(after).created()),
      plan(jobEvents(before).started()),
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true, true]);
    expect(outcomes[1].ok ? '' : outcomes[1].error.message).toMatch(new RegExp(`for job ${poisoned} failed: WRONGTYPE`));
    expect(await redis.hget(RedisKeys.job(before), 'status')).toBe('running');
    expect(await redis.hget(RedisKeys.job(after), 'status')).toBe('pending');
    expect(await redis.get(RedisKeys.job(poisoned))).toBe('not a hash');
    expect(await redis.zscore(RedisKeys.byCreated, poisoned)).toBeNull();
  });

  it('keeps a deleted job deleted, and a running cancelled job waiting for its revoke until the revoke', async () => {
    const [gone, running] = [randomUUID(), randomUUID()];
    await redis.set(RedisKeys.tombstone(gone), '1');
    const er = jobEvents(running);
    const outcomes = await writer.applyBatch([plan(jobEvents(gone).created()), plan(er.created()), plan(er.started()), plan(er.cancel())]);
    expect(outcomes.map((o) => (o.ok ? o.code : 'failed'))).toEqual([
      ApplyCode.Tombstoned,
      ApplyCode.Applied,
      ApplyCode.Applied,
      ApplyCode.Applied,
    ]);
    expect(await redis.exists(RedisKeys.job(gone))).toBe(0);
    expect(await redis.zscore(RedisKeys.revokePending, running)).not.toBeNull();
    await writer.applyBatch([plan(er.revoked())]);
    expect(await redis.zscore(RedisKeys.revokePending, running)).toBeNull();
    expect(await redis.hget(RedisKeys.job(running), 'status')).toBe('cancelled');
  });

  it('takes a full batch of 500 events in one call', async () => {
    const ids = Array.from({ length: 250 }, () => randomUUID());
    const plans = [...ids.map((id) => plan(jobEvents(id).created())), ...ids.map((id) => plan(jobEvents(id).started()))];
    const outcomes = await writer.applyBatch(plans);
    expect(outcomes.filter((o) => o.ok && o.code === ApplyCode.Applied)).toHaveLength(500);
    expect(await redis.zcard(RedisKeys.byStatus('running'))).toBeGreaterThanOrEqual(250);
    expect(await redis.hget(RedisKeys.job(ids[249]), 'status')).toBe('running');
  });

  it('refuses the whole call under another epoch, writing nothing', async () => {
    const id = randomUUID();
    await redis.set(RedisKeys.projectorEpoch, '2:other:b');
    try {
      await expect(writer.applyBatch([plan(jobEvents(id).created()), plan(jobEvents(id).started())], { epoch: '1:me:a' })).rejects.toThrow(
        ProjectorFencedError,
      );
      expect(await redis.exists(RedisKeys.job(id))).toBe(0);
      const outcomes = await writer.applyBatch([plan(jobEvents(id).created())], { epoch: '2:other:b' });
      expect(outcomes[0]).toMatchObject({ ok: true, code: ApplyCode.Applied });
    } finally {
      await redis.del(RedisKeys.projectorEpoch);
    }
  });
});
