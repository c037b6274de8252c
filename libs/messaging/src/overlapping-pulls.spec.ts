import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startNats, waitFor, type TestServer } from '@crux/test-harness';
import { AckPolicy, jetstream, jetstreamManager, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeNats, connectNats } from './connection.js';
import { runOverlappingPulls, type OverlappingPullOptions } from './overlapping-pulls.js';

const STREAM = 'PULLS';

describe('overlapping pulls on a real nats-server', () => {
  let nats: TestServer;
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    nats = await startNats();
    nc = await connectNats({ url: nats.url, name: 'overlapping-pulls-spec' });
    jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: STREAM, subjects: ['pulls.>'] });
  });

  afterAll(async () => {
    await closeNats(nc);
    await nats?.stop();
  });

  /** Runs the pulls on a fresh durable consumer; `stop()` ends them and resolves once every pull has ended. */
  async function reader(name: string, options: OverlappingPullOptions = {}) {
    await jsm.consumers.add(STREAM, { durable_name: name, ack_policy: AckPolicy.Explicit, filter_subject: `pulls.${name}` });
    const consumer = await jetstream(nc).consumers.get(STREAM, name);
    const delivered: JsMsg[] = [];
    const warnings: string[] = [];
    const stopSignal = new AbortController();
    let stopping = false;
    const running = runOverlappingPulls(
      consumer,
      {
        deliver: (msg) => {
          delivered.push(msg);
          msg.ack();
        },
        holdOffMs: () => 0,
        wait: (ms) => sleep(ms, undefined, { signal: stopSignal.signal }).catch(() => undefined),
        stopping: () => stopping,
        warn: (message) => warnings.push(message),
      },
      options,
    );
    const stop = async () => {
      stopping = true;
      stopSignal.abort();
      await running;
    };
    return { delivered, warnings, stop };
  }

  it('asks for the next pull while the open one still waits, so the server is never left without one', async () => {
    // Every pull request the reader makes, and the 408 that ends the first one.
    const requests: string[] = [];
    const seenAtFirstEnd: number[] = [];
    const requestTap = nc.subscribe(`$JS.API.CONSUMER.MSG.NEXT.${STREAM}.overlap`, {
      callback: (_err, msg) => {
        if (msg.reply) requests.push(msg.reply);
      },
    });
    const endTap = nc.subscribe('_INBOX.>', {
      callback: (_err, msg) => {
        if (msg.subject === requests[0] && msg.headers?.code === 408) seenAtFirstEnd.push(requests.length);
      },
    });
    const pulls = await reader('overlap');
    try {
      await waitFor(() => seenAtFirstEnd.length > 0, { what: 'the first pull to expire', timeoutMs: 10_000 });
      // nats-server 2.9 drops an expired pull without its 408 when a message gets there first: a
      // reader that asks again only after the 408 would be left with no pull at all meanwhile.
      expect(seenAtFirstEnd[0]).toBeGreaterThanOrEqual(2);
    } finally {
      await pulls.stop();
      requestTap.unsubscribe();
      endTap.unsubscribe();
    }
    expect(pulls.warnings).toEqual([]);
  });

  it('delivers each message once, and once stopped no pull of it is left open on the server', async () => {
    const pulls = await reader('flow');
    const js = jetstream(nc);
    for (let i = 0; i < 5; i++) await js.publish('pulls.flow', `message ${i}`);
    await waitFor(() => pulls.delivered.length >= 5, { what: 'five messages delivered', timeoutMs: 10_000 });
    await pulls.stop();
    expect(pulls.delivered.map((m) => m.string())).toEqual([0, 1, 2, 3, 4].map((i) => `message ${i}`));
    const info = await jsm.consumers.info(STREAM, 'flow');
    expect(info.num_waiting).toBe(0);
    expect(info.num_ack_pending).toBe(0);
  });

  it('delivers in stream order while the server deals messages round-robin to overlapping pulls', async () => {
    // Pulls of 50 that live 1 s (the client's least) and are renewed after 0.5 s, fed 80
    // messages/s: each outlives its renewal, so two wait on the server at once and it deals
    // them messages in turn.
    const pulls = await reader('order', { messages: 50, expiresMs: 1000 });
    const js = jetstream(nc);
    const total = 400;
    for (let i = 0; i < total; i++) {
      void js.publish('pulls.order', `${i}`);
      if (i % 20 === 19) await sleep(250);
    }
    await waitFor(() => pulls.delivered.length >= total, { what: `${total} messages delivered`, timeoutMs: 20_000 });
    await pulls.stop();
    const seqs = pulls.delivered.map((m) => m.info.streamSequence);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(total);
    expect(pulls.warnings).toEqual([]);
  });
});
