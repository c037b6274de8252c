import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JetStreamApiCodes, JetStreamApiError, jetstreamManager, type PubAck } from '@nats-io/jetstream';
import { headers, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { startNats, type TestServer } from '@crux/test-harness';
import { BulkJetStreamPublisher } from './bulk-publish.js';
import { PubAckTimeoutError } from './pub-ack-inbox.js';
import { closeNats, connectNats } from './connection.js';

const STREAM = 'BULK_SPEC';

function withHeaders(entries: Record<string, string>): MsgHdrs {
  const h = headers();
  for (const [k, v] of Object.entries(entries)) h.set(k, v);
  return h;
}

describe('publishing many messages to JetStream at once', () => {
  let nats: TestServer;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await startNats();
    nc = await connectNats({ url: nats.url, name: 'bulk-publish-spec' });
    await (await jetstreamManager(nc)).streams.add({ name: STREAM, subjects: ['bulk.>'] });
  });

  afterAll(async () => {
    await closeNats(nc);
    await nats?.stop();
  });

  it('answers each message its PubAck in order, with its headers stored and a repeated id found duplicate', async () => {
    const publisher = new BulkJetStreamPublisher(nc);
    const messages = Array.from({ length: 200 }, (_, i) => ({
      subject: `bulk.a.${i}`,
      payload: `{"n":${i}}`,
      headers: withHeaders({ 'Nats-Msg-Id': `a-${i}` }),
    }));
    const acks = (await publisher.publishAll(messages)) as PubAck[];
    expect(acks.map((a) => [a.stream, a.seq, a.duplicate])).toEqual(messages.map((_, i) => [STREAM, i + 1, false]));
    const stored = (await (await jetstreamManager(nc)).streams.getMessage(STREAM, { seq: 150 }))!;
    expect([stored.subject, stored.string(), stored.header.get('Nats-Msg-Id')]).toEqual(['bulk.a.149', '{"n":149}', 'a-149']);
    const again = (await publisher.publishAll([messages[3], { subject: 'bulk.a.new', payload: 'x' }])) as PubAck[];
    expect(again.map((a) => [a.seq, a.duplicate])).toEqual([
      [4, true],
      [201, false],
    ]);
    expect(await publisher.publishAll([])).toEqual([]);
  });

  it("answers a refused expectation with JetStream's error code, and the rest of the batch its own answers", async () => {
    const publisher = new BulkJetStreamPublisher(nc);
    const { state } = await (await jetstreamManager(nc)).streams.info(STREAM);
    const tail = state.last_seq;
    const answers = await publisher.publishAll([
      { subject: 'bulk.b.1', payload: '1', headers: withHeaders({ 'Nats-Msg-Id': 'b-1', 'Nats-Expected-Last-Sequence': String(tail) }) },
      {
        subject: 'bulk.b.2',
        payload: '2',
        headers: withHeaders({ 'Nats-Msg-Id': 'b-2', 'Nats-Expected-Last-Sequence': String(tail + 1), 'Nats-Expected-Last-Msg-Id': 'b-1' }),
      },
      // Chains from a sequence the stream has passed, and from a message id that is not the last.
      { subject: 'bulk.b.3', payload: '3', headers: withHeaders({ 'Nats-Expected-Last-Sequence': String(tail) }) },
      { subject: 'bulk.b.4', payload: '4', headers: withHeaders({ 'Nats-Expected-Last-Msg-Id': 'b-1' }) },
    ]);
    expect((answers[0] as PubAck).seq).toBe(tail + 1);
    expect((answers[1] as PubAck).seq).toBe(tail + 2);
    expect(answers[2]).toBeInstanceOf(JetStreamApiError);
    expect((answers[2] as JetStreamApiError).code).toBe(JetStreamApiCodes.StreamWrongLastSequence);
    expect(answers[3]).toBeInstanceOf(JetStreamApiError);
    expect((answers[3] as JetStreamApiError).code).toBe(10070);
  });

  it('answers an error for each message no stream takes, and for each PubAck that does not come in time', async () => {
    const publisher = new BulkJetStreamPublisher(nc, { ackWaitMs: 300 });
    const answers = await publisher.publishAll([
      { subject: 'nowhere.1', payload: '1' },
      { subject: 'bulk.c.1', payload: '1' },
    ]);
    expect((answers[0] as Error).message).toMatch(/no PubAck: 503/);
    expect((answers[1] as PubAck).stream).toBe(STREAM);
    // A subject someone listens on without answering: the server never sends a PubAck.
    const silent = nc.subscribe('quiet.>', { callback: () => undefined });
    try {
      const late = await publisher.publishAll([{ subject: 'quiet.1', payload: '1' }]);
      expect(late).toEqual([new PubAckTimeoutError('quiet.1', 300)]);
    } finally {
      silent.unsubscribe();
    }
  });
});
