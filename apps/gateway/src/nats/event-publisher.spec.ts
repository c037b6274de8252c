import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ActorKind, makeEvent, type EventEnvelope, type JobEventType } from '@crux/contracts';
import { closeNats, connectNats, jetstreamManager, type JetStreamManager, type NatsConnection } from '@crux/messaging';
import { startNats, type TestServer } from '@crux/test-harness';
import { JobEventPublisher, type Defer } from './event-publisher.js';

const STREAM = 'PUBLISHER_SPEC';
const actor = { kind: ActorKind.User, id: 'alice' };
let counter = 0;
const event = (jobId = `job-${++counter}`): EventEnvelope<JobEventType> => makeEvent('cancel', jobId, actor, { reason: 'spec' });

/** Turns that end when the test says so. */
function manualTurns(): { defer: Defer; endTurn: () => void; scheduled: () => number } {
  const pending: Array<() => void> = [];
  return { defer: (run) => pending.push(run), endTurn: () => pending.splice(0).forEach((run) => run()), scheduled: () => pending.length };
}

describe('JobEventPublisher', () => {
  let server: TestServer;
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    server = await startNats();
    nc = await connectNats({ url: server.url, name: 'publisher-spec' });
    jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: STREAM, subjects: ['job.cancel.*'] });
  });

  afterAll(async () => {
    if (nc) await closeNats(nc);
    await server?.stop();
  });

  it('sends nothing until the turn ends, then every event of the turn, each with its own PubAck', async () => {
    const turns = manualTurns();
    const publisher = new JobEventPublisher(nc, 5_000, turns.defer);
    const before = (await jsm.streams.info(STREAM)).state.last_seq;
    const events = [event(), event(), event()];
    const acks = events.map((e) => publisher.publish(e));
    expect(turns.scheduled()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await jsm.streams.info(STREAM)).state.last_seq).toBe(before);

    turns.endTurn();
    await expect(Promise.all(acks)).resolves.toEqual([1, 2, 3].map((n) => ({ stream: STREAM, seq: before + n, duplicate: false })));
    for (const [i, e] of events.entries()) {
      const stored = (await jsm.streams.getMessage(STREAM, { seq: before + i + 1 }))!;
      expect(stored.subject).toBe(`job.cancel.${e.job_id}`);
      expect(stored.header?.get('Nats-Msg-Id')).toBe(e.id);
      expect(stored.json()).toEqual(e);
    }
    expect(publisher.pending).toBe(0);
  });

  it('by default sends what one turn of the event loop published together, and the stream stores an id once', async () => {
    const publisher = new JobEventPublisher(nc);
    const once = event();
    const [first, again] = await Promise.all([publisher.publish(once), publisher.publish(once)]);
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ stream: STREAM, seq: first.seq, duplicate: true });
  });

  it('rejects an event no stream listens for at once, and the others of its turn still get their PubAck', async () => {
    const publisher = new JobEventPublisher(nc);
    const unheard = makeEvent('created', 'nobody-listens', actor, {}) as EventEnvelope<JobEventType>;
    const [heard, refused] = await Promise.allSettled([publisher.publish(event()), publisher.publish(unheard)]);
    expect(heard).toMatchObject({ status: 'fulfilled', value: { stream: STREAM } });
    expect(refused).toMatchObject({
      status: 'rejected',
      reason: expect.objectContaining({ message: expect.stringMatching(/^no PubAck: 503/) }),
    });
    expect(publisher.pending).toBe(0);
  });

  it('rejects what gets no PubAck in time, and forgets it', async () => {
    // A plain subscriber hears the subject, so the server does not answer "no responders"; nothing acknowledges.
    const silent = nc.subscribe('job.progress.*');
    try {
      const publisher = new JobEventPublisher(nc, 200);
      const unacknowledged = makeEvent('progress', 'silent', actor, {}) as EventEnvelope<JobEventType>;
      await expect(publisher.publish(unacknowledged)).rejects.toThrow('no PubAck within 200 ms');
      expect(publisher.pending).toBe(0);
    } finally {
      silent.unsubscribe();
    }
  });

  it('rejects what still waits for its PubAck when the connection closes, without waiting out the timer', async () => {
    const own = await connectNats({ url: server.url, name: 'publisher-spec-closing' });
    const silent = nc.subscribe('job.started.*');
    // The server must know the subscriber before the publish, or it answers "no responders".
    await nc.flush();
    try {
      const publisher = new JobEventPublisher(own, 60_000);
      const unacknowledged = publisher.publish(makeEvent('started', 'closing', actor, {}) as EventEnvelope<JobEventType>);
      // Sent, then heard by the silent subscriber: nothing will acknowledge it.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(publisher.pending).toBe(1);
      await own.close();
      await expect(unacknowledged).rejects.toThrow('the NATS connection closed before the PubAck came');
      expect(publisher.pending).toBe(0);
    } finally {
      silent.unsubscribe();
    }
  });

  it('passes on what the stream refuses, and rejects publishes on a closed connection', async () => {
    await jsm.streams.add({ name: 'PUBLISHER_SPEC_SMALL', subjects: ['job.failed.*'], max_msg_size: 16 });
    const publisher = new JobEventPublisher(nc);
    const tooLarge = makeEvent('failed', 'too-large', actor, { error: 'x'.repeat(100) }) as EventEnvelope<JobEventType>;
    await expect(publisher.publish(tooLarge)).rejects.toThrow(/^JetStream refused the message: /);

    const closing = await connectNats({ url: server.url, name: 'publisher-spec-closed' });
    await closing.close();
    await expect(new JobEventPublisher(closing).publish(event())).rejects.toThrow();
  });
});
