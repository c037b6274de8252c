import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AckPolicy } from '@nats-io/jetstream';
import { AUDIT_ACTIONS, auditConsumerName, ConsumerName, JobEventType, StreamName, Subjects } from '@crux/contracts';
import { ensureJobsStream, jetstream } from '@crux/messaging';
import { startAuditRig, type AuditRig } from './support/audit-rig.js';
import { deletion } from './support/events.js';

describe('provisioning at start', () => {
  let rig: AuditRig;

  beforeAll(async () => {
    rig = await startAuditRig({ app: false });
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('tightens an AUDIT stream found allowing deletes, purges or expiry, and creates what is missing', async () => {
    const jsm = rig.trail.jsm;
    // As someone might have created it by hand, or an older release did.
    await jsm.streams.add({ name: StreamName.Audit, subjects: Subjects.auditStreamSubjects(), max_age: 3600 * 1e9, max_msgs: 5000 });
    await rig.trail.nc.request('audit.held.by-hand', JSON.stringify({ not: 'a record' }));
    await jsm.streams.deleteMessage(StreamName.Audit, 1, false);

    await rig.startApp();

    const config = (await jsm.streams.info(StreamName.Audit)).config;
    expect(config).toMatchObject({ deny_delete: true, deny_purge: true, max_age: 0, max_msgs: -1, max_bytes: -1 });
    await rig.trail.nc.request('audit.held.by-hand', JSON.stringify({ not: 'a record' }));
    await expect(jsm.streams.deleteMessage(StreamName.Audit, 2)).rejects.toThrow(/not permitted/);
    expect((await jsm.streams.info(StreamName.Jobs)).config.subjects).toEqual(Subjects.jobsStreamSubjects());
    for (const action of AUDIT_ACTIONS) {
      expect((await jsm.consumers.info(StreamName.Jobs, auditConsumerName(action))).config).toMatchObject({
        filter_subject: `job.${action}.*`,
        ack_policy: 'explicit',
      });
    }

    // It records on top of what it found, and verification points at the foreign message.
    const event = deletion();
    await rig.trail.publish(event);
    const [record] = await rig.trail.waitRecorded([event.id]).then((all) => all.filter((r) => r.source_event_id === event.id));
    expect(record.sequence).toBe(3);
    expect(await rig.trail.verify()).toMatchObject({
      ok: true,
      value: { ok: false, first_bad_sequence: 2, problem: expect.stringMatching(/not an audit record/) },
    });
  });
});

describe('moving from the single consumer of earlier versions', () => {
  let rig: AuditRig;

  beforeAll(async () => {
    rig = await startAuditRig({ app: false });
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('starts the per-type consumers where the old one had acked everything, and removes it', async () => {
    const jsm = rig.trail.jsm;
    await ensureJobsStream(jsm, rig.settings);
    // The old consumer read every job event; it had recorded and acked the first deletion only.
    const recordedBefore = deletion();
    const recordedBeforeAck = await rig.trail.publish(recordedBefore);
    await jsm.consumers.add(StreamName.Jobs, {
      durable_name: ConsumerName.LegacyAudit,
      ack_policy: AckPolicy.Explicit,
      filter_subject: 'job.>',
    });
    const legacy = await jetstream(rig.nc).consumers.get(StreamName.Jobs, ConsumerName.LegacyAudit);
    const first = await legacy.next({ expires: 2000 });
    expect(first?.seq).toBe(recordedBeforeAck.seq);
    await first!.ackAck();
    const unrecorded = deletion();
    await rig.trail.publish(unrecorded);

    await rig.startApp();

    await rig.trail.waitRecorded([unrecorded.id]);
    await rig.trail.waitSettled();
    expect(await rig.trail.recordsOf(unrecorded.id)).toHaveLength(1);
    // Acked by the old consumer: the record it made then is not made again.
    expect(await rig.trail.recordsOf(recordedBefore.id)).toHaveLength(0);
    await expect(jsm.consumers.info(StreamName.Jobs, ConsumerName.LegacyAudit)).rejects.toThrow(/consumer not found/);
    const deletions = await jsm.consumers.info(StreamName.Jobs, auditConsumerName(JobEventType.Deleted));
    expect(deletions.config.opt_start_seq).toBe(recordedBeforeAck.seq + 1);
  });
});
