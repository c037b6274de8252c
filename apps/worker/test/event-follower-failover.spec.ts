/**
 * The worker's followers of cancels and deletions read JOBS through ordered consumers, which
 * are ephemeral and live on one NATS node. When that node dies and stays down, the follower
 * must carry on from where it was on a node that lives: until it has, every job the worker
 * takes waits ("cancels … are still being read"), and a job that waits for good never ends.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JobEventType, StreamName } from '@crux/contracts';
import { closeNats, connectNats, ensureJobsStream, jetstreamManager, type NatsConnection } from '@crux/messaging';
import { startNatsCluster, waitFor, type NatsCluster } from '@crux/test-harness';
import { EventFollower, type HeardEvent } from '../src/consumer/event-follower.js';
import { publishCancel } from './nats-helpers.js';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('a follower of JOBS whose node dies', () => {
  let cluster: NatsCluster;
  let nc: NatsConnection;
  let publisher: NatsConnection;

  beforeAll(async () => {
    cluster = await startNatsCluster(3);
    await cluster.ready();
    nc = await connectNats({ url: cluster.url, name: 'follower-spec' });
    publisher = await connectNats({ url: cluster.url, name: 'follower-spec-publisher' });
    await ensureJobsStream(await jetstreamManager(publisher), { archiveRetentionS: 3600, streamReplicas: 3 });
  }, 60_000);

  afterAll(async () => {
    await closeNats(nc);
    await closeNats(publisher);
    await cluster?.stop();
  });

  it('hears every cancel, those stored while its node was down and after, without that node coming back', async () => {
    const heard: HeardEvent[] = [];
    const follower = new EventFollower(nc, JobEventType.Cancel, (event) => heard.push(event), quiet);
    try {
      const before = await publishCancel(publisher, crypto.randomUUID());
      await follower.start(1);
      await waitFor(() => heard.some((e) => e.jobId === before.job_id), { what: 'the first cancel', timeoutMs: 10_000 });

      // The node that holds the follower's ordered consumer (one replica: ephemeral).
      const jsm = await jetstreamManager(publisher);
      let host: string | undefined;
      for await (const consumer of jsm.consumers.list(StreamName.Jobs)) if (!consumer.config.durable_name) host = consumer.cluster?.leader;
      const victim = cluster.nodes.find((_, i) => `n${i + 1}` === host);
      if (!victim) throw new Error(`no node named ${host}`);
      await victim.crash();

      const during = await waitFor(() => publishCancel(publisher, crypto.randomUUID()).catch(() => undefined), {
        what: 'JOBS to take a cancel without the dead node',
        timeoutMs: 60_000,
        intervalMs: 500,
      });
      await waitFor(() => heard.some((e) => e.jobId === during.job_id), {
        what: 'the cancel stored while the node was down',
        // The client reconnects, the stream elects a leader and the follower replaces its
        // consumer, each with its own timeouts: on a busy machine this took up to ~40 s.
        timeoutMs: 90_000,
        intervalMs: 200,
      });
      await follower.untilLive();
      expect(follower.live).toBe(true);
      const after = await publishCancel(publisher, crypto.randomUUID());
      await waitFor(() => heard.some((e) => e.jobId === after.job_id), {
        what: 'a cancel stored after',
        timeoutMs: 15_000,
        intervalMs: 200,
      });
      // Each once, in stream order.
      const seqs = heard.map((e) => e.seq);
      expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
      expect(heard.map((e) => e.jobId)).toEqual([before.job_id, during.job_id, after.job_id]);
    } finally {
      await follower.stop();
    }
  }, 240_000);
});
