/**
 * PubAckInbox against a real nats-server: a publish gets JetStream's PubAck (a second one
 * with the same Nats-Msg-Id is a duplicate, stored once), no stream fails it at once, a
 * PubAck that never comes fails it after the timeout, and closing the inbox or the
 * connection fails what still waits.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JobEventType, makeEvent, serviceActor, StreamName } from '@crux/contracts';
import { startNats, type TestServer } from '@crux/test-harness';
import type { NatsConnection } from '@nats-io/transport-node';
import { closeNats, connectNats } from './connection.js';
import { PubAckInbox, PubAckTimeoutError } from './pub-ack-inbox.js';
import { publishJobEvent } from './publish.js';
import { ensureJobsStream } from './streams.js';
import { jetstreamManager } from '@nats-io/jetstream';

const progress = () =>
  makeEvent(JobEventType.Progress, crypto.randomUUID(), serviceActor('pub-ack-spec'), { progress: 0.5, current_phase: 'generating' });

describe('PubAckInbox (real nats-server)', () => {
  let nats: TestServer;
  let nc: NatsConnection;
  const inboxes: PubAckInbox[] = [];
  const inbox = (timeoutMs?: number, on = nc) => {
    const made = new PubAckInbox(on, timeoutMs);
    inboxes.push(made);
    return made;
  };

  beforeAll(async () => {
    nats = await startNats();
    nc = await connectNats({ url: nats.url, name: 'pub-ack-inbox-spec' });
  });

  afterAll(async () => {
    for (const made of inboxes) made.close();
    if (nc) await closeNats(nc);
    await nats?.stop();
  });

  it('fails a publish at once when no stream takes its subject (no responders)', async () => {
    await expect(publishJobEvent(inbox(), progress())).rejects.toThrow(/503/);
  });

  it('fails a publish nobody answers once the timeout has passed', async () => {
    const silent = nc.subscribe('job.>');
    try {
      await expect(publishJobEvent(inbox(200), progress())).rejects.toBeInstanceOf(PubAckTimeoutError);
    } finally {
      silent.unsubscribe();
    }
  });

  it('resolves with the PubAck, and marks a second publish of the same event a duplicate', async () => {
    await ensureJobsStream(await jetstreamManager(nc), { archiveRetentionS: 3600, streamReplicas: 1 });
    const pubAcks = inbox();
    const event = progress();
    const [first, other] = await Promise.all([publishJobEvent(pubAcks, event), publishJobEvent(pubAcks, progress())]);
    expect(first).toMatchObject({ stream: StreamName.Jobs, duplicate: false });
    expect(other.seq).not.toBe(first.seq);
    const again = await publishJobEvent(pubAcks, event);
    expect(again).toMatchObject({ stream: StreamName.Jobs, seq: first.seq, duplicate: true });
    expect(pubAcks.pending).toBe(0);
  });

  it('fails the publishes still waiting when it is closed', async () => {
    const pubAcks = inbox(60_000);
    // Closed in the same turn as the publish: its PubAck cannot have arrived.
    const waiting = publishJobEvent(pubAcks, progress());
    pubAcks.close();
    await expect(waiting).rejects.toThrow(/closed/);
  });

  it('fails the publishes still waiting when the connection closes, and later ones at once', async () => {
    const own = await connectNats({ url: nats.url, name: 'pub-ack-inbox-closing' });
    const pubAcks = inbox(60_000, own);
    // Someone listens and never answers: only the connection's end can settle it.
    const silent = nc.subscribe('quiet.>');
    // Another connection publishes: the server must know the subscriber first, or it answers "no responders".
    await nc.flush();
    try {
      const waiting = pubAcks.publish('quiet.1', '{}');
      await own.flush();
      await own.close();
      await expect(waiting).rejects.toThrow();
      await expect(pubAcks.publish('quiet.2', '{}')).rejects.toThrow();
    } finally {
      silent.unsubscribe();
    }
  });
});
