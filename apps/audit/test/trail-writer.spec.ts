import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GENESIS_HASH, StreamName, verifyChain, type JobEvent } from '@crux/contracts';
import { auditStreamConfig, closeNats, connectNats, jetstreamManager, type NatsConnection } from '@crux/messaging';
import { startNats, type TestServer } from '@crux/test-harness';
import type { RecordableEvent } from '../src/domain/index.js';
import { TrailStream } from '../src/trail/trail-stream.js';
import { TrailWriter } from '../src/trail/trail-writer.js';
import { deletion, storyOf } from './support/events.js';
import { TrailAccess } from './support/trail-access.js';

const recordable = (event: JobEvent) => event as unknown as RecordableEvent;

describe('the trail writer on a real AUDIT stream', () => {
  let nats: TestServer;
  let nc: NatsConnection;
  let stream: TrailStream;
  let trail: TrailAccess;

  beforeAll(async () => {
    nats = await startNats();
    nc = await connectNats({ url: nats.url, name: 'trail-writer-spec' });
    // The real trail's guards, but the shortest duplicate window (100 ms): the server's de-duplication by
    // message id would otherwise hide whether the writer itself knows what is recorded.
    await (await jetstreamManager(nc)).streams.add({ ...auditStreamConfig({ streamReplicas: 1 }), duplicate_window: 100_000_000 });
    stream = await TrailStream.open(nc);
    trail = await TrailAccess.open(nc, nats.url);
  });

  afterAll(async () => {
    await trail?.close();
    await closeNats(nc);
    await nats?.stop();
  });

  it('starts an empty trail from the genesis hash', async () => {
    const writer = new TrailWriter(stream);
    await writer.open();
    expect(writer.tail).toEqual({ seq: 0, hash: GENESIS_HASH });
    const first = deletion();
    await writer.record([recordable(first)]);
    const [record] = await trail.records();
    expect(record).toMatchObject({ sequence: 1, prev_hash: GENESIS_HASH, source_event_id: first.id });
    expect(writer.tail).toEqual({ seq: 1, hash: record.hash });
  });

  it('rebuilds on the new tail when another writer appended first, and learns what that one recorded', async () => {
    const a = new TrailWriter(stream);
    const b = new TrailWriter(stream);
    await Promise.all([a.open(), b.open()]);
    const fromA = deletion();
    const fromB = deletion();
    await a.record([recordable(fromA)]);
    // b still believes the tail is where it was: the server refuses, b catches up and chains on.
    await b.record([recordable(fromB)]);
    expect(b.stats.conflicts).toBe(1);
    const records = await trail.records();
    const [ra, rb] = records.slice(-2);
    expect([ra.source_event_id, rb.source_event_id]).toEqual([fromA.id, fromB.id]);
    expect(rb.prev_hash).toBe(ra.hash);
    expect(verifyChain(records).ok).toBe(true);

    // b read a's record while catching up: a redelivery of that event to b is no second record.
    await b.record([recordable(fromA)]);
    expect(await trail.count()).toBe(records.length);
    expect(b.stats.duplicates).toBe(1);
  });

  it('keeps one chain when two writers append pipelines at the same time', async () => {
    const a = new TrailWriter(stream);
    const b = new TrailWriter(stream);
    await Promise.all([a.open(), b.open()]);
    const before = await trail.count();
    const forA = Array.from({ length: 150 }, () => deletion());
    const forB = Array.from({ length: 150 }, () => deletion());
    await Promise.all([a.record(forA.map((e) => recordable(e))), b.record(forB.map((e) => recordable(e)))]);
    const records = await trail.records();
    expect(records).toHaveLength(before + 300);
    expect(verifyChain(records)).toMatchObject({ ok: true, records_checked: before + 300 });
    expect(new Set(records.map((r) => r.source_event_id)).size).toBe(records.length);
  });

  it('gives the rest of a batch up to the caller after losing the race maxConflicts times', async () => {
    const loser = new TrailWriter(stream);
    await loser.open();
    const winner = new TrailWriter(stream);
    await winner.open();
    await winner.record([recordable(deletion())]);
    const mine = [deletion(), deletion()];
    const settled = await loser.record(
      mine.map((e) => recordable(e)),
      { maxConflicts: 1 },
    );
    expect(settled.size).toBe(0);
    expect(await trail.recordsOf(mine[0].id)).toHaveLength(0);
    // Once caught up it appends normally.
    expect((await loser.record(mine.map((e) => recordable(e)))).size).toBe(2);
  });

  it('finds events in the trail after the seen set has forgotten them', async () => {
    const writer = new TrailWriter(stream, { seenCapacity: 3 });
    await writer.open();
    const jobId = crypto.randomUUID();
    const story = storyOf(jobId);
    const firstHold = story.held();
    const secondHold = story.held();
    const events = [deletion(), firstHold, story.released(), secondHold, deletion(), deletion(), deletion()];
    await writer.record(events.map((e) => recordable(e)));
    const count = await trail.count();

    const restarted = new TrailWriter(stream, { seenCapacity: 3 });
    await restarted.open();
    // Past the duplicate window the server stores them again: only the lookups stop it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The first is the last record on its subject; the hold is not (the second hold is), so
    // its subject is read in full.
    const settled = await restarted.record([recordable(events[0]), recordable(firstHold)]);
    expect([...settled].sort()).toEqual([events[0].id, firstHold.id].sort());
    expect(restarted.stats).toMatchObject({ appended: 0, duplicates: 2 });
    expect(await trail.count()).toBe(count);
    // An event never recorded still goes in.
    const fresh = story.held();
    await restarted.record([recordable(fresh)]);
    expect(await trail.recordsOf(fresh.id)).toHaveLength(1);
  });

  it('reloads the tail and the seen events when opened on a trail that has records', async () => {
    const records = await trail.records();
    const writer = new TrailWriter(stream);
    await writer.open();
    const last = records[records.length - 1];
    expect(writer.tail).toEqual({ seq: last.sequence, hash: last.hash });
    await writer.record(records.slice(0, 5).map((r) => recordable({ ...deletion(), id: r.source_event_id })));
    expect(writer.stats).toMatchObject({ appended: 0, duplicates: 5 });
    expect((await jetstreamManager(nc).then((jsm) => jsm.streams.info(StreamName.Audit))).state.messages).toBe(records.length);
  });
});

describe('the trail writer past its seen set, on an AUDIT stream of its own', () => {
  let nats: TestServer;
  let nc: NatsConnection;
  let trail: TrailAccess;

  beforeAll(async () => {
    nats = await startNats();
    nc = await connectNats({ url: nats.url, name: 'trail-writer-seen-spec' });
    await (await jetstreamManager(nc)).streams.add({ ...auditStreamConfig({ streamReplicas: 1 }), duplicate_window: 100_000_000 });
    trail = await TrailAccess.open(nc, nats.url);
  });

  afterAll(async () => {
    await trail?.close();
    await closeNats(nc);
    await nats?.stop();
  });

  it('looks up only what it may have recorded once its seen set has forgotten some, having started on the whole trail', async () => {
    const stream = await TrailStream.open(nc);
    const lookedUp: string[] = [];
    const lastOn = stream.lastOn.bind(stream);
    stream.lastOn = (subject: string) => {
      lookedUp.push(subject);
      return lastOn(subject);
    };
    const writer = new TrailWriter(stream, { seenCapacity: 3 });
    await writer.open();
    const first = deletion();
    await writer.record([first, deletion(), deletion(), deletion(), deletion()].map((e) => recordable(e)));
    expect(writer.stats.appended).toBe(5);
    // New events past the set's capacity: proven new by its filter, appended without a look-up.
    await writer.record([recordable(deletion()), recordable(deletion())]);
    expect(lookedUp).toEqual([]);
    expect(await trail.count()).toBe(7);
    // A forgotten one is looked up, found, and not recorded twice (past the duplicate window).
    await new Promise((resolve) => setTimeout(resolve, 300));
    await writer.record([recordable(first)]);
    expect(lookedUp).toHaveLength(1);
    expect(writer.stats.duplicates).toBe(1);
    expect(await trail.count()).toBe(7);
  });
});
