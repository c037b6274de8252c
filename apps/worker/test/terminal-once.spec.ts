/**
 * One outcome per job in JOBS, whatever fails (the double completion `npm run chaos` found
 * after a JOBS-leader kill): a redelivered job whose outcome is already stored is not run
 * again even while job-state still says running, and two runs of one job that both complete
 * leave one `completed` in JOBS.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { closeNats, connectNats, jetstream, publishEvent, type NatsConnection } from '@crux/messaging';
import {
  ConsumerName,
  JobEventType,
  StreamName,
  followEvent,
  serviceActor,
  type EventEnvelope,
  type JobCompletedData,
} from '@crux/contracts';
import { startNats, TcpProxy, waitFor, type TestServer } from '@crux/test-harness';
import { JobConsumer } from '../src/consumer/job-consumer.js';
import type { WorkerPool } from '../src/pool/worker-pool.js';
import { EventLog, provisionQueue, publishCreated, queueSettled } from './nats-helpers.js';
import { CapturedLog, testPool } from './pool-helpers.js';

/** Short, so a delivery whose worker went silent comes back within a second. */
const ACK_WAIT_MS = 1000;

interface Worker {
  nc: NatsConnection;
  pool: WorkerPool;
  consumer: JobConsumer;
  log: CapturedLog;
}

describe('one outcome per job in JOBS (real nats-server, real child processes)', () => {
  let nats: TestServer;
  let nc: NatsConnection;
  let events: EventLog;
  const workers: Worker[] = [];

  async function startWorker(id: string, url = nats.url): Promise<Worker> {
    const log = new CapturedLog();
    const wnc = await connectNats({ url, name: id });
    const pool = testPool(1, 100, { logger: log });
    await pool.start();
    const consumer = new JobConsumer({
      nc: wnc,
      pool,
      workerId: id,
      maxAttempts: 3,
      ackWaitMs: ACK_WAIT_MS,
      revokeGraceMs: 300,
      retryDelayMs: 300,
      logger: log,
    });
    const worker = { nc: wnc, pool, consumer, log };
    workers.push(worker);
    await consumer.start();
    return worker;
  }

  async function stopWorkers(): Promise<void> {
    for (const w of workers.splice(0)) {
      await w.consumer.stop(0);
      await w.pool.close(500);
      await w.consumer.idle();
      await closeNats(w.nc);
    }
  }

  const ofType = (jobId: string, type: string): EventEnvelope[] => events.of(jobId).filter((e) => e.type === type);

  beforeAll(async () => {
    nats = await startNats();
    nc = await connectNats({ url: nats.url, name: 'terminal-once-spec' });
    await provisionQueue(nc, { ackWaitMs: ACK_WAIT_MS, maxAttempts: 3 });
    events = await EventLog.open(nc);
  });

  afterAll(async () => {
    await stopWorkers();
    events?.close();
    if (nc) await closeNats(nc);
    await nats?.stop();
  });

  it('does not run a redelivered job whose completed event is in JOBS while job-state still says running', async () => {
    const created = await publishCreated(nc, { question: 'finished as the leader died', n_iters: 1 });
    // The first worker: it took the job, ran it, stored its outcome (under an id of its own,
    // long ago as far as the duplicate window goes) and died before its ack.
    const first = await (await jetstream(nc).consumers.get(StreamName.Jobs, ConsumerName.Workers)).next({ expires: 5000 });
    expect(first?.subject).toBe(`job.created.${created.job_id}`);
    const outcome = followEvent(created, JobEventType.Completed, serviceActor('worker-that-died'), {
      result: { answer: 'first' },
    } as unknown as JobCompletedData);
    await publishEvent(jetstream(nc), outcome);
    await waitFor(() => events.until(created.job_id, 'completed'), { what: 'the first outcome in the log' });

    const w = await startWorker('w-redelivered');
    await waitFor(() => queueSettled(nc), { what: 'the redelivered job to be acknowledged', timeoutMs: 20_000 });

    expect(w.log.has(new RegExp(`not running job ${created.job_id} \\(delivery 2\\): its completed event is already in JOBS`))).toBe(true);
    expect(events.of(created.job_id).map((e) => e.id)).toEqual([outcome.id]);
    await stopWorkers();
  });

  it('stores one completed when two workers run the same job and both finish', async () => {
    const proxy = await TcpProxy.start(nats.port);
    try {
      const a = await startWorker('w-cut-off', proxy.url);
      const created = await publishCreated(nc, { question: 'run twice by accident', n_iters: 8 });
      await waitFor(() => events.until(created.job_id, 'started'), { what: "worker A's started" });

      // A keeps running but JetStream stops hearing from it: after ack_wait the job goes to B.
      proxy.cut();
      const b = await startWorker('w-second');
      await waitFor(() => ofType(created.job_id, 'started').find((e) => e.actor.id === 'w-second'), {
        what: "worker B's started",
        timeoutMs: 20_000,
      });
      proxy.restore();

      // Both runs end and publish their completed; whichever is second is a duplicate of the first.
      const refused = new RegExp(`job ${created.job_id}: its outcome was already in JOBS`);
      await waitFor(() => [a, b].some((w) => w.log.has(refused)), {
        what: 'the second completed to be refused as a duplicate',
        timeoutMs: 30_000,
      });
      await waitFor(() => queueSettled(nc), { what: 'the job to be acknowledged', timeoutMs: 20_000 });

      expect(
        ofType(created.job_id, 'started')
          .map((e) => e.actor.id)
          .sort(),
      ).toEqual(['w-cut-off', 'w-second']);
      expect(ofType(created.job_id, 'completed')).toHaveLength(1);
      expect(a.log.count(refused) + b.log.count(refused)).toBe(1);
    } finally {
      await stopWorkers();
      await proxy.close();
    }
  });
});
