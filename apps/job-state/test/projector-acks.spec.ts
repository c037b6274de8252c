import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { ConsumerName, StreamName } from '@crux/contracts';
import { waitFor } from '@crux/test-harness';
import { jobEvents } from './support/job-events.js';
import { startJobState, type JobStateRig } from './support/job-state-harness.js';

/** Where the server takes the projector consumer's acks: `…<delivered>.<stream seq>.<delivery seq>.<time>.<pending>`. */
const ACKS = `$JS.ACK.${StreamName.Jobs}.${ConsumerName.Projector}.>`;
const streamSeqOfAck = (subject: string) => Number(subject.split('.').at(-4));

describe('the projector acks a batch with one ack', () => {
  let rig: JobStateRig;

  beforeAll(async () => {
    rig = await startJobState();
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('sends one ack per batch, of its last event, which the server takes as acking all before it', async () => {
    const first = await rig.publish(jobEvents(randomUUID()).created());
    await rig.projected(first.seq);
    // Held back while the projector is stopped, then delivered together from the ack floor.
    await rig.projector.stop();
    let last = first;
    for (let i = 0; i < 10; i++) {
      const events = jobEvents(randomUUID());
      for (const event of [events.created(), events.started(), events.completed()]) last = await rig.publish(event);
    }
    const acks: number[] = [];
    const spy = rig.nc.subscribe(ACKS, {
      callback: (_error, msg) => {
        if (msg.string() === '+ACK' || msg.data.length === 0) acks.push(streamSeqOfAck(msg.subject));
      },
    });
    await rig.nc.flush();
    const batchesBefore = rig.projector.stats.batches;
    await rig.projector.start();
    await rig.projected(last.seq);
    await rig.nc.flush();
    spy.unsubscribe();

    expect(acks.length).toBe(rig.projector.stats.batches - batchesBefore);
    expect(acks.length).toBeLessThan(last.seq - first.seq + 1); // one ack per event before
    expect(acks.at(-1)).toBe(last.seq);
    expect(acks).toEqual([...acks].sort((a, b) => a - b));
    const info = await rig.jsm.consumers.info(StreamName.Jobs, ConsumerName.Projector);
    expect(info.config.ack_policy).toBe('all');
    expect(info.num_ack_pending).toBe(0);
  });

  it('rewinds when an ack from elsewhere (a replica that lost the lease) froze its ack floor', async () => {
    const before = await rig.publish(jobEvents(randomUUID()).created());
    await rig.projected(before.seq);
    const rewinds = rig.projector.stats.rewinds;
    // A late ack of an earlier reader, numbered by its own deliveries: the server then ignores
    // every ack of this consumer numbered below it.
    rig.nc.publish(`$JS.ACK.${StreamName.Jobs}.${ConsumerName.Projector}.1.${before.seq + 1}.1000000.${Date.now()}000000.0`);
    await rig.nc.flush();
    const events = jobEvents(randomUUID());
    await rig.publish(events.created());
    await rig.publish(events.started());
    const last = await rig.publish(events.progress(0.5));

    await rig.projected(last.seq);
    expect(rig.projector.stats.rewinds).toBeGreaterThan(rewinds);
    await waitFor(async () => (await rig.jsm.consumers.info(StreamName.Jobs, ConsumerName.Projector)).num_ack_pending === 0, {
      what: 'nothing left unacked',
    });
  });
});
