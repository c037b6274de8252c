import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { auditStreamConfig } from '@crux/messaging';
import { StreamName, verifyChain, type AuditRecord, type JobEvent } from '@crux/contracts';
import { deletion, operator, storyOf } from './support/events.js';
import { startAuditRig, type AuditRig } from './support/audit-rig.js';

describe('the trail as auditors read it', () => {
  let rig: AuditRig;
  const jobA = crypto.randomUUID();
  const jobB = crypto.randomUUID();
  const published: JobEvent[] = [];

  beforeAll(async () => {
    rig = await startAuditRig();
    const a = storyOf(jobA, new Date('2020-01-01T10:00:00Z'));
    const b = storyOf(jobB, new Date('2020-01-02T10:00:00Z'));
    published.push(a.cancel(), a.revoked(), a.deleted('purge'), b.held(), b.released(), b.deleted('ttl'));
    // Events happened in the past: a `since` query starts by stream time, which follows them.
    // 30 more deletions by bob spread over a day, for paging.
    for (let i = 0; i < 30; i++) {
      published.push(deletion(crypto.randomUUID(), { kind: 'user', id: 'bob' }, new Date(Date.UTC(2020, 0, 3, 0, i))));
    }
    for (const event of published) await rig.trail.publish(event);
    await rig.trail.waitRecorded(published.map((e) => e.id));
  });

  afterAll(async () => {
    await rig?.close();
  });

  async function page(q: Record<string, unknown>) {
    const reply = await rig.trail.query(q);
    if (!reply.ok) throw new Error(`query refused: ${reply.error.message}`);
    return reply.value;
  }

  it('answers by job, by action, by actor, and both', async () => {
    const ofA = await page({ job_id: jobA });
    expect(ofA.records.map((r) => r.action)).toEqual(['cancel', 'revoked', 'deleted']);
    expect(ofA.next_cursor).toBeNull();
    expect(ofA.records.every((r) => typeof r.sequence === 'number' && r.job_id === jobA)).toBe(true);

    expect((await page({ job_id: jobB, action: 'deleted' })).records).toMatchObject([{ job_id: jobB, action: 'deleted', reason: 'ttl' }]);
    expect((await page({ action: 'held' })).records.map((r) => r.job_id)).toEqual([jobB]);
    expect((await page({ actor: 'olga', job_id: jobB })).records.map((r) => r.action)).toEqual(['held', 'released']);
    expect((await page({ actor: `user:${operator.id}` })).records.length).toBeGreaterThanOrEqual(2);
    expect((await page({ actor: 'service:olga' })).records).toEqual([]);
    expect((await page({ job_id: 'never-seen' })).records).toEqual([]);
  });

  it('filters by when the deletion happened', async () => {
    const day2 = await page({ since: '2020-01-02T00:00:00Z', until: '2020-01-02T23:59:59Z' });
    expect(day2.records.map((r) => r.job_id)).toEqual([jobB, jobB, jobB]);
    const lateBob = await page({ actor: 'bob', since: '2020-01-03T00:20:00Z' });
    expect(lateBob.records).toHaveLength(10);
    expect(lateBob.records.every((r) => r.occurred_at >= '2020-01-03T00:20:00.000Z')).toBe(true);
    expect((await page({ until: '2019-12-31' })).records).toEqual([]);
  });

  it('pages with an opaque cursor through every record once, in trail order', async () => {
    const seen: AuditRecord[] = [];
    let cursor: string | null | undefined;
    let pages = 0;
    do {
      const p = await page({ actor: 'bob', limit: 7, ...(cursor ? { cursor } : {}) });
      expect(p.records.length).toBeLessThanOrEqual(7);
      seen.push(...p.records);
      cursor = p.next_cursor;
      pages++;
    } while (cursor && pages < 20);
    expect(pages).toBe(5);
    expect(seen).toHaveLength(30);
    const seqs = seen.map((r) => r.sequence!);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
    expect(new Set(seqs).size).toBe(30);
    expect((await page({})).records.length).toBe(published.length);
    expect((await page({ limit: 1000 })).next_cursor).toBeNull();
  });

  it('refuses bad filters with a 400 that says what is wrong', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ action: 'erased' }, /action must be one of cancel, revoked/],
      [{ since: 'yesterday' }, /since must be an ISO 8601/],
      [{ until: '2030-02-30' }, /until must be an ISO 8601/],
      [{ since: '2030-01-03', until: '2030-01-02' }, /since must not be after until/],
      [{ limit: 0 }, /limit must be a whole number from 1 to 1000/],
      [{ limit: 1001 }, /limit must be a whole number/],
      [{ cursor: 'not-a-cursor' }, /cursor is not one this service issued/],
      [{ job_id: 'a.b' }, /job_id must be/],
      [{ actor: 42 }, /actor must be/],
    ];
    for (const [q, message] of cases) {
      const reply = await rig.trail.query(q);
      expect(reply).toMatchObject({ ok: false, error: { status_code: 400, error: 'Bad Request' } });
      if (!reply.ok) expect(reply.error.message).toMatch(message);
    }
  });

  it('verifies the whole chain, and an export with one byte changed fails at that record', async () => {
    const verdict = await rig.trail.verify();
    expect(verdict).toEqual({ ok: true, value: { ok: true, records_checked: published.length, first_bad_sequence: null, problem: null } });

    const raw = await rig.trail.raw();
    const target = raw[9];
    const original = JSON.parse(target.text) as AuditRecord;
    // One character of the reason, as someone editing an export would.
    const edited = target.text.replace(`"reason":"${original.reason}"`, `"reason":"${original.reason!.replace(/.$/, 'X')}"`);
    expect(edited).not.toBe(target.text);
    const exported = raw.map((m) => ({ ...(JSON.parse(m === target ? edited : m.text) as AuditRecord), sequence: m.seq }));
    expect(verifyChain(exported)).toMatchObject({ ok: false, first_bad_sequence: target.seq, problem: expect.stringMatching(/altered/) });
    // A record dropped from the export breaks the link after it.
    const gapped = exported.filter((r) => r.sequence !== 5).map((r) => (r.sequence === 10 ? { ...r, reason: original.reason } : r));
    expect(verifyChain(gapped)).toMatchObject({ ok: false, first_bad_sequence: 6 });
  });

  it('cannot be edited in place: the server refuses deletes, purges and lifting the guards', async () => {
    const jsm = rig.trail.jsm;
    await expect(jsm.streams.deleteMessage(StreamName.Audit, 1)).rejects.toThrow(/not permitted/);
    await expect(jsm.streams.deleteMessage(StreamName.Audit, 2, false)).rejects.toThrow(/not permitted/);
    await expect(jsm.streams.purge(StreamName.Audit)).rejects.toThrow(/not permitted/);
    await expect(jsm.streams.purge(StreamName.Audit, { filter: `audit.*.${jobA}` })).rejects.toThrow(/not permitted/);
    const config = (await jsm.streams.info(StreamName.Audit)).config;
    await expect(jsm.streams.update(StreamName.Audit, { ...config, deny_delete: false })).rejects.toThrow(/deny message deletes/);
    await expect(jsm.streams.update(StreamName.Audit, { ...config, deny_purge: false })).rejects.toThrow(/deny purge/);
    expect((await rig.trail.raw()).length).toBe(published.length);
    expect(auditStreamConfig({ streamReplicas: 1 })).toMatchObject({ deny_delete: true, deny_purge: true, max_age: 0 });
  });

  // Last: it leaves a forged message in the trail.
  it("reports a forged record appended behind the service's back at its sequence", async () => {
    const records = await rig.trail.records();
    const forged = { ...records[records.length - 1], job_id: 'forged', source_event_id: crypto.randomUUID() };
    delete (forged as Partial<AuditRecord>).sequence;
    const ack = await rig.trail.nc.request('audit.deleted.forged', JSON.stringify(forged));
    expect(ack.json<{ seq: number }>().seq).toBe(records.length + 1);
    const verdict = await rig.trail.verify();
    expect(verdict).toMatchObject({ ok: true, value: { ok: false, first_bad_sequence: records.length + 1 } });
  });
});
