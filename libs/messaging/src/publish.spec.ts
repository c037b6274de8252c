import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { makeEvent, StreamName, systemActor, type JobCreatedData } from '@crux/contracts';
import { startNats, type TestServer } from '@crux/test-harness';
import { closeNats, connectNats } from './connection.js';
import { publishEvent } from './publish.js';
import { ensureJobsStream } from './streams.js';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

describe('publishing job events', () => {
  let nats: TestServer;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await startNats();
    nc = await connectNats({ url: nats.url, name: 'publish-spec' });
    await ensureJobsStream(await jetstreamManager(nc), { archiveRetentionS: 3600, streamReplicas: 1 });
  });

  afterAll(async () => {
    await closeNats(nc);
    await nats?.stop();
  });

  it('stores an event published twice with the same id once', async () => {
    const js = jetstream(nc);
    const event = makeEvent<'created', JobCreatedData>('created', crypto.randomUUID(), systemActor('spec'), {
      mode: 'basic',
      owner: 'alice',
      request: { question: 'q' },
      model_name: null,
      llm_provider: 'simulated',
      continued_from: null,
    });
    const first = await publishEvent(js, event);
    const second = await publishEvent(js, event);
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect(second.seq).toBe(first.seq);
    const info = await (await jetstreamManager(nc)).streams.info(StreamName.Jobs);
    expect(info.state.messages).toBe(1);
  });

  it('does not store request subjects in the JOBS stream', async () => {
    const jsm = await jetstreamManager(nc);
    const before = (await jsm.streams.info(StreamName.Jobs)).state.messages;
    nc.publish('job.state.get', '{}');
    await nc.flush();
    expect((await jsm.streams.info(StreamName.Jobs)).state.messages).toBe(before);
  });
});
