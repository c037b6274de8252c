/**
 * PubAckInbox against a real nats-server: a publish gets JetStream's PubAck (a second one
 * with the same event id is a duplicate, stored once), no stream fails it at once, and a
 * PubAck that never comes fails it after the timeout, so the publisher tries again.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { closeNats, connectNats, type NatsConnection } from '@crux/messaging';
import { JobEventType, makeEvent, serviceActor } from '@crux/contracts';
import { startNats, type TestServer } from '@crux/test-harness';
import { PubAckInbox, PubAckTimeoutError } from '../src/consumer/pub-ack-inbox.js';
import { provisionQueue } from './nats-helpers.js';

const progress = () =>
  makeEvent(JobEventType.Progress, crypto.randomUUID(), serviceActor('pub-ack-spec'), { progress: 0.5, current_phase: 'generating' });

describe('PubAckInbox (real nats-server)', () => {
  let nats: TestServer;
  let nc: NatsConnection;
  const inboxes: PubAckInbox[] = [];
  const inbox = (timeoutMs?: number) => {
    const made = new PubAckInbox(nc, timeoutMs);
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
    await expect(inbox().publish(progress())).rejects.toThrow(/503/);
  });

  it('fails a publish nobody answers once the timeout has passed', async () => {
    const silent = nc.subscribe('job.>');
    try {
      await expect(inbox(200).publish(progress())).rejects.toBeInstanceOf(PubAckTimeoutError);
    } finally {
      silent.unsubscribe();
    }
  });

  it('resolves with the PubAck, and marks a second publish of the same event a duplicate', async () => {
    await provisionQueue(nc, { ackWaitMs: 5000, maxAttempts: 3 });
    const pubAcks = inbox();
    const event = progress();
    const [first, other] = await Promise.all([pubAcks.publish(event), pubAcks.publish(progress())]);
    expect(first).toMatchObject({ stream: 'JOBS', duplicate: false });
    expect(other.seq).not.toBe(first.seq);
    const again = await pubAcks.publish(event);
    expect(again).toMatchObject({ stream: 'JOBS', seq: first.seq, duplicate: true });
  });

  it('fails the publishes still waiting when it is closed', async () => {
    const pubAcks = inbox(60_000);
    // Closed in the same turn as the publish: its PubAck cannot have arrived.
    const waiting = pubAcks.publish(progress());
    pubAcks.close();
    await expect(waiting).rejects.toThrow(/closed/);
  });
});
