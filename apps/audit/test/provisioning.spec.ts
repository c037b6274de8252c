import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConsumerName, StreamName, Subjects } from '@crux/contracts';
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
    expect((await jsm.consumers.info(StreamName.Jobs, ConsumerName.Audit)).config).toMatchObject({
      filter_subject: 'job.>',
      ack_policy: 'explicit',
    });

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
