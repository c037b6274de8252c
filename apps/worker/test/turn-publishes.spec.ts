/**
 * Job events published through a SendTurn (real nats-server): every publish of a turn gets
 * its own PubAck once the turn ends, and a publisher closed while its event waits for the end
 * of the turn drops it, as it drops any event not yet on the wire.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { closeNats, connectNats, jetstream, jetstreamManager, publishEvent, SendTurn, type NatsConnection } from '@crux/messaging';
import { JobEventType, StreamName, makeEvent, serviceActor } from '@crux/contracts';
import { startNats, type TestServer } from '@crux/test-harness';
import { JobEventPublisher, PublisherClosedError } from '../src/consumer/job-event-publisher.js';
import { provisionQueue } from './nats-helpers.js';

const progress = (jobId: string) =>
  makeEvent(JobEventType.Progress, jobId, serviceActor('turn-spec'), { progress: 0.5, current_phase: 'generating' });

describe('job events published a turn at a time (real nats-server)', () => {
  let nats: TestServer;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await startNats();
    nc = await connectNats({ url: nats.url, name: 'turn-publishes-spec' });
    await provisionQueue(nc, { ackWaitMs: 5000, maxAttempts: 3 });
  });

  afterAll(async () => {
    if (nc) await closeNats(nc);
    await nats?.stop();
  });

  const stored = async () => (await (await jetstreamManager(nc)).streams.info(StreamName.Jobs)).state.messages;

  it('sends nothing before the turn ends, then every event of the turn, each with its own PubAck', async () => {
    const due: Array<() => void> = [];
    const sends = new SendTurn((run) => due.push(run));
    const before = await stored();
    const publishers = [0, 1, 2].map(
      () => new JobEventPublisher((event) => publishEvent(jetstream(nc), event), { delaysMs: [] }, undefined, sends),
    );
    const acks = publishers.map((p) => p.publish(progress(crypto.randomUUID())));
    // The publishes wait behind their queue's tail: let them reach the turn.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(due).toHaveLength(1);
    expect(await stored()).toBe(before);
    due.splice(0).forEach((run) => run());
    const seqs = (await Promise.all(acks)).map((a) => a.seq);
    expect(new Set(seqs).size).toBe(3);
    expect(await stored()).toBe(before + 3);
  });

  it('drops an event whose publisher is closed while it waits for the end of the turn', async () => {
    const due: Array<() => void> = [];
    const sends = new SendTurn((run) => due.push(run));
    const before = await stored();
    const publisher = new JobEventPublisher((event) => publishEvent(jetstream(nc), event), { delaysMs: [] }, undefined, sends);
    const ack = publisher.publish(progress(crypto.randomUUID()));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(due).toHaveLength(1);
    publisher.close();
    due.splice(0).forEach((run) => run());
    await expect(ack).rejects.toBeInstanceOf(PublisherClosedError);
    expect(await stored()).toBe(before);
  });
});
