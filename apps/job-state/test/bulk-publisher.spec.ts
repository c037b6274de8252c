import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { StreamName, Subjects } from '@crux/contracts';
import { closeNats, connectNats, ensureJobsStream, jetstreamManager, type NatsConnection, type PubAck } from '@crux/messaging';
import { startNats, type TestServer } from '@crux/test-harness';
import { BulkPublisher } from '../src/events/bulk-publisher.js';
import { jobEvents } from './support/job-events.js';

describe('publishing many events at once', () => {
  let nats: TestServer;
  let nc: NatsConnection;
  const others: NatsConnection[] = [];

  beforeAll(async () => {
    nats = await startNats();
    nc = await connectNats({ url: nats.url, name: 'bulk-publisher-spec' });
    await ensureJobsStream(await jetstreamManager(nc), { archiveRetentionS: 3600, streamReplicas: 1 });
  });

  afterEach(async () => {
    await Promise.all(others.splice(0).map((c) => closeNats(c)));
  });

  afterAll(async () => {
    await closeNats(nc);
    await nats?.stop();
  });

  it('answers each event its PubAck in order, and stores an event published again once', async () => {
    const publisher = new BulkPublisher(nc);
    const events = Array.from({ length: 300 }, () => jobEvents(randomUUID()).created());
    const first = (await publisher.publishAll(events)) as PubAck[];
    expect(first.every((ack) => !(ack instanceof Error) && ack.stream === StreamName.Jobs && !ack.duplicate)).toBe(true);
    const jsm = await jetstreamManager(nc);
    for (const i of [0, 150, 299]) {
      const stored = (await jsm.streams.getMessage(StreamName.Jobs, { seq: first[i].seq }))!;
      expect(stored.subject).toBe(Subjects.jobEvent('created', events[i].job_id));
      expect(stored.json<{ id: string }>().id).toBe(events[i].id);
      expect(stored.header.get('Nats-Msg-Id')).toBe(events[i].id);
    }
    // Again, together with new ones: the stream keeps the first copies and says so.
    const fresh = jobEvents(randomUUID()).created();
    const again = (await publisher.publishAll([events[7], fresh, events[8]])) as PubAck[];
    expect(again.map((a) => [a.seq, a.duplicate])).toEqual([
      [first[7].seq, true],
      [first[299].seq + 1, false],
      [first[8].seq, true],
    ]);
    expect(await publisher.publishAll([])).toEqual([]);
  });

  it('answers the error of each event no stream stores, after retrying it', async () => {
    const bare = await startNats();
    try {
      const lonely = await connectNats({ url: bare.url, name: 'bulk-publisher-spec-no-stream' });
      others.push(lonely);
      const answers = await new BulkPublisher(lonely).publishAll([jobEvents(randomUUID()).created(), jobEvents(randomUUID()).started()]);
      expect(answers).toEqual([expect.any(Error), expect.any(Error)]);
      expect((answers[0] as Error).message).toMatch(/no PubAck: 503/);
    } finally {
      await Promise.all(others.splice(0).map((c) => closeNats(c)));
      await bare.stop();
    }
  }, 20_000);
});
