import { describe, expect, it } from '@jest/globals';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { startNatsCluster } from './nats-cluster.js';
import { waitFor } from './wait-for.js';

describe('a private NATS cluster', () => {
  it('keeps an R3 stream writable with one node killed, and takes the node back after a restart', async () => {
    const cluster = await startNatsCluster(3);
    const nc = await connect({ servers: cluster.url.split(','), maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    try {
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.add({ name: 'T', subjects: ['t.>'], num_replicas: 3 });
      expect(info.config.num_replicas).toBe(3);
      expect(info.cluster?.replicas).toHaveLength(2);
      const js = jetstream(nc);
      await js.publish('t.1', 'one');

      await cluster.nodes[0].crash();
      expect(cluster.nodes[0].process.running).toBe(false);
      // Two of three keep a quorum: once a leader is (re)elected the stream takes writes again.
      await waitFor(() => js.publish('t.2', 'two', { timeout: 1000 }), { what: 'a publish with one node down', timeoutMs: 30_000 });

      await cluster.nodes[0].restart();
      await cluster.ready();
      await waitFor(async () => (await jsm.streams.info('T')).cluster?.replicas?.every((r) => r.current) === true, {
        what: 'every replica of T to be current again',
        timeoutMs: 30_000,
      });
      expect((await jsm.streams.info('T')).state.messages).toBe(2);
    } finally {
      await nc.close();
      await cluster.stop();
    }
  });
});
