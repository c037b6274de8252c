import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  auditConsumerName,
  contentHash,
  JobEventType,
  StreamName,
  Subjects,
  sealRecord,
  verifyChain,
  type AuditRecord,
  type JobEvent,
} from '@crux/contracts';
import { jetstream } from '@crux/messaging';
import { waitFor } from '@crux/test-harness';
import { recordBody, type RecordableEvent } from '../src/domain/index.js';
import { Recorder } from '../src/trail/recorder.js';
import { TrailWriter } from '../src/trail/trail-writer.js';
import { deletion, SECRET, storyOf } from './support/events.js';
import { startAuditRig, type AuditRig } from './support/audit-rig.js';

describe('recording the deletion paths', () => {
  let rig: AuditRig;

  beforeAll(async () => {
    rig = await startAuditRig();
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('records each kind of deletion-path event once, with its actor, reason and hash, and never its content', async () => {
    const jobId = crypto.randomUUID();
    const story = storyOf(jobId);
    const deleted = story.deleted('purge');
    const kept: JobEvent[] = [
      story.cancel('changed my mind'),
      story.revoked(),
      story.revokeUnconfirmed(),
      story.held(),
      story.released(),
      story.purgePlanned([jobId, 'other-job']),
      story.purgeConfirmed(1),
      deleted,
      story.restored(deleted.id),
    ];
    const passedOver: JobEvent[] = [story.created(), story.started(), story.progress(), story.completed()];
    for (const event of [passedOver[0], passedOver[1], ...kept.slice(0, 2), passedOver[2], passedOver[3], ...kept.slice(2)]) {
      await rig.trail.publish(event);
    }
    await rig.trail.waitSettled();

    const records = await rig.trail.records();
    const mine = records.filter((r) => r.job_id === jobId || r.job_id === story.planId);
    expect(mine.map((r) => r.source_event_id).sort()).toEqual(kept.map((e) => e.id).sort());
    for (const event of passedOver) expect(records.some((r) => r.source_event_id === event.id)).toBe(false);

    const byAction = new Map(mine.map((r) => [r.action, r]));
    expect(byAction.get('cancel')).toMatchObject({
      job_id: jobId,
      actor: { kind: 'user', id: 'alice' },
      reason: 'changed my mind',
      content_hash: null,
    });
    expect(byAction.get('revoked')).toMatchObject({
      actor: { kind: 'service', id: 'worker-1' },
      reason: 'killed',
      details: { terminated: true, signal: 'SIGKILL', pid: 4242, worker_id: 'worker-1', took_ms: 2011 },
    });
    expect(byAction.get('revoke_unconfirmed')).toMatchObject({
      reason: 'no revoked event within 5000 ms',
      details: { worker_id: 'worker-1', waited_ms: 5000 },
    });
    expect(byAction.get('held')).toMatchObject({ actor: { kind: 'user', id: 'olga' }, reason: 'litigation 7' });
    expect(byAction.get('released')).toMatchObject({ reason: 'litigation over' });
    expect(byAction.get('purge_planned')).toMatchObject({
      job_id: story.planId,
      reason: 'spring cleaning',
      details: {
        plan_id: story.planId,
        count: 2,
        erase: false,
        ids_hash: 'ab'.repeat(32),
        filter_job_ids: 2,
        filter_status: ['completed'],
      },
    });
    expect(byAction.get('purge_confirmed')).toMatchObject({
      job_id: story.planId,
      reason: null,
      details: { plan_id: story.planId, count: 1 },
    });
    expect(byAction.get('deleted')).toMatchObject({
      job_id: jobId,
      actor: { kind: 'user', id: 'olga' },
      reason: 'purge',
      content_hash: contentHash(story.snapshot),
      details: { plan_id: story.planId, archived: true, owner: 'alice', status: 'completed' },
      occurred_at: deleted.occurred_at,
    });
    expect(byAction.get('restored')).toMatchObject({
      reason: 'deleted by mistake',
      content_hash: contentHash(story.snapshot),
      details: { from_event_id: deleted.id },
    });

    // Subject = audit.<action>.<job_id>; no record carries any job content.
    const raw = await rig.trail.raw();
    for (const record of mine) {
      const message = raw.find((m) => m.seq === record.sequence)!;
      expect(message.subject).toBe(Subjects.auditRecord(record.action, record.job_id));
      expect(message.text).not.toContain(SECRET);
      expect(Object.keys(record).sort()).toEqual(
        [
          'action',
          'actor',
          'content_hash',
          'details',
          'hash',
          'job_id',
          'occurred_at',
          'prev_hash',
          'reason',
          'recorded_at',
          'sequence',
          'source_event_id',
        ].sort(),
      );
    }
    expect(verifyChain(records).ok).toBe(true);
  });

  it('records in stream order across kinds of events, even when one kind is far behind the others', async () => {
    await rig.stopApp();
    // A purge's deletions pile up while the service is down; then one job is cancelled,
    // deleted, restored, held and released. The audit reads each kind from its own consumer,
    // so the restore reaches it long before the 1,500 deletions ahead of it in JOBS.
    const backlog = Array.from({ length: 1500 }, () => deletion());
    for (let i = 0; i < backlog.length; i += 100) await Promise.all(backlog.slice(i, i + 100).map((e) => rig.trail.publish(e)));
    const story = storyOf(crypto.randomUUID());
    const deleted = story.deleted('purge');
    const after = [story.cancel('changed my mind'), deleted, story.restored(deleted.id), story.held(), story.released()];
    for (const event of after) await rig.trail.publish(event);

    await rig.startApp();
    await rig.trail.waitSettled(60_000);
    const published = [...backlog, ...after].map((e) => e.id);
    const ours = new Set(published);
    const recorded = (await rig.trail.records()).map((r) => r.source_event_id).filter((id) => ours.has(id));
    expect(recorded).toEqual(published);
  }, 90_000);

  it('leaves out a command the projection refused, and records nothing of a batch until its verdicts are known', async () => {
    const jobId = crypto.randomUUID();
    const story = storyOf(jobId);
    const deleted = story.deleted('purge');
    const refusedHold = story.held();
    rig.verdicts.refuse(refusedHold, `job ${jobId} had been deleted when its held arrived`);
    rig.verdicts.paused = true;
    const askedBefore = rig.verdicts.asked;
    await rig.trail.publish(deleted);
    await rig.trail.publish(refusedHold);
    // job-state cannot say yet (its projector is behind): asked again, nothing recorded meanwhile.
    await waitFor(async () => rig.verdicts.asked >= askedBefore + 2 || undefined, { what: 'the recorder to ask twice', timeoutMs: 30_000 });
    expect(await rig.trail.recordsOf(deleted.id)).toEqual([]);

    rig.verdicts.paused = false;
    await rig.trail.waitSettled();
    expect(await rig.trail.recordsOf(deleted.id)).toHaveLength(1);
    expect(await rig.trail.recordsOf(refusedHold.id)).toEqual([]);
    const released = story.released();
    await rig.trail.publish(released);
    await rig.trail.waitRecorded([released.id]);
  });

  it('records an event published twice once, whether or not JOBS de-duplicated it', async () => {
    const event = deletion();
    await rig.trail.publish(event);
    await rig.trail.publish(event);
    // Past JOBS's duplicate window the same event is a second message: publish it without a msg id.
    const js = jetstream(rig.nc);
    await js.publish(Subjects.jobEvent('deleted', event.job_id), JSON.stringify(event));
    await js.publish(Subjects.jobEvent('deleted', event.job_id), JSON.stringify(event));
    const marker = deletion();
    await rig.trail.publish(marker);
    await rig.trail.waitRecorded([marker.id]);
    await rig.trail.waitSettled();
    expect(await rig.trail.recordsOf(event.id)).toHaveLength(1);
  });

  it('drops a deletion message it can never read, without holding up the ones after it', async () => {
    const js = jetstream(rig.nc);
    await js.publish(Subjects.jobEvent('deleted', 'job-x'), 'not json');
    const mismatched = deletion();
    await js.publish(Subjects.jobEvent('deleted', 'another-job'), JSON.stringify(mismatched));
    const marker = deletion();
    await rig.trail.publish(marker);
    await rig.trail.waitRecorded([marker.id]);
    await rig.trail.waitSettled();
    expect(await rig.trail.recordsOf(mismatched.id)).toHaveLength(0);
    expect(rig.app!.get(Recorder).stats.malformed).toBeGreaterThanOrEqual(2);
  });

  it('skips an event whose record a recorder that died before acking had already appended', async () => {
    await rig.stopApp();
    const event = deletion();
    const ack = await rig.trail.publish(event);
    // Play the recorder that dies: take the delivery, append the record, never ack.
    const consumer = await jetstream(rig.nc).consumers.get(StreamName.Jobs, auditConsumerName(JobEventType.Deleted));
    let delivered = false;
    for (let tries = 0; tries < 20 && !delivered; tries++) {
      const msg = await consumer.next({ expires: 1000 });
      if (!msg) continue;
      if (msg.seq === ack.seq) {
        await appendByHand(rig, event as unknown as RecordableEvent);
        delivered = true;
        msg.nak();
      } else {
        msg.ack();
      }
    }
    expect(delivered).toBe(true);
    expect(await rig.trail.recordsOf(event.id)).toHaveLength(1);

    // The record went in under another message id: only the service's own memory of the trail can skip it.
    await rig.startApp();
    const marker = deletion();
    await rig.trail.publish(marker);
    await rig.trail.waitRecorded([marker.id]);
    await rig.trail.waitSettled();
    expect(await rig.trail.recordsOf(event.id)).toHaveLength(1);
    expect(rig.app!.get(TrailWriter).stats.duplicates).toBeGreaterThanOrEqual(1);
    expect(verifyChain(await rig.trail.records()).ok).toBe(true);
  });
});

/** Appends a record at the trail's tail the way the service does, but with a foreign msg id. */
async function appendByHand(rig: AuditRig, event: RecordableEvent): Promise<AuditRecord> {
  const records = await rig.trail.records();
  const last = records[records.length - 1];
  const record = sealRecord(recordBody(event, last.hash, new Date()));
  await jetstream(rig.nc).publish(Subjects.auditRecord(record.action, record.job_id), JSON.stringify(record), {
    msgID: `by-hand-${event.id}`,
    expect: { lastSequence: last.sequence! },
  });
  return record;
}
