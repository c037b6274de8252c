import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { followEvent, makeEvent, serviceActor, type EventEnvelope, type JobEventType } from '@crux/contracts';
import { startNats, type TestServer } from '@crux/test-harness';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { closeNats, connectNats } from './connection.js';
import { JobEventFeed } from './job-event-feed.js';
import { publishEvent } from './publish.js';
import { ensureJobsStream } from './streams.js';

describe('JobEventFeed', () => {
  let nats: TestServer;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;

  const actor = serviceActor('spec');
  const publish = async (event: EventEnvelope) => (await publishEvent(js, event as EventEnvelope<JobEventType>)).seq;
  const newJob = () => makeEvent('created', randomUUID(), actor, { owner: 'alice' });

  beforeAll(async () => {
    nats = await startNats();
    nc = await connectNats({ url: nats.url, name: 'feed-spec' });
    js = jetstream(nc);
    jsm = await jetstreamManager(nc);
    await ensureJobsStream(jsm, { archiveRetentionS: 3600, streamReplicas: 1 });
  });

  afterAll(async () => {
    await closeNats(nc);
    await nats?.stop();
  });

  it("reads one job's stored events in order, skipping other jobs', then says it has caught up", async () => {
    const created = newJob();
    const other = newJob();
    const first = await publish(created);
    await publish(other);
    const second = await publish(followEvent(created, 'started', actor, {}));
    await publish(followEvent(other, 'started', actor, {}));
    const feed = await JobEventFeed.open(nc, jsm, created.job_id, first);
    try {
      expect(await feed.next(false)).toEqual({ seq: first, event: created });
      expect((await feed.next(false))?.seq).toBe(second);
      expect(await feed.next(false)).toBeNull();
    } finally {
      feed.close();
    }
  });

  it('starts from the given sequence', async () => {
    const created = newJob();
    await publish(created);
    const startedSeq = await publish(followEvent(created, 'started', actor, {}));
    const feed = await JobEventFeed.open(nc, jsm, created.job_id, startedSeq);
    try {
      expect((await feed.next(false))?.event.type).toBe('started');
    } finally {
      feed.close();
    }
  });

  it('waits for live events, in order, once it has caught up', async () => {
    const created = newJob();
    const seq = await publish(created);
    const feed = await JobEventFeed.open(nc, jsm, created.job_id, seq);
    try {
      await feed.next(false);
      const waiting = feed.next(true);
      const progress = followEvent(created, 'progress', actor, { progress: 0.5 });
      const done = followEvent(created, 'completed', actor, {});
      await publish(progress);
      await publish(done);
      expect((await waiting)?.event).toEqual(progress);
      expect((await feed.next(true))?.event).toEqual(done);
    } finally {
      feed.close();
    }
  });

  it('does not hand out a re-published duplicate twice', async () => {
    const created = newJob();
    const seq = await publish(created);
    const feed = await JobEventFeed.open(nc, jsm, created.job_id, seq);
    try {
      await feed.next(false);
      const started = followEvent(created, 'started', actor, {});
      await publish(started);
      await publish(started);
      expect((await feed.next(true))?.event).toEqual(started);
      expect(await feed.next(false)).toBeNull();
    } finally {
      feed.close();
    }
  });

  it('answers a waiting next() with null when closed', async () => {
    const created = newJob();
    const seq = await publish(created);
    const feed = await JobEventFeed.open(nc, jsm, created.job_id, seq);
    await feed.next(false);
    const waiting = feed.next(true);
    feed.close();
    expect(await waiting).toBeNull();
    expect(feed.isClosed).toBe(true);
  });
});
